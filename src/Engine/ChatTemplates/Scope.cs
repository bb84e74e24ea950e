namespace Serving.Engine.ChatTemplates;

/// <summary>One level of variables: the render's globals, a <c>for</c> iteration or a macro call. Lookups walk outwards;
/// <c>set</c> writes to the innermost level, so a loop body cannot change outer variables (Jinja's scoping; use <c>namespace()</c>).</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public object? Get(string name) => TryGet(name, out var value) ? value : new Undefined(name);

    public void Set(string name, object? value) => _variables[name] = value;
}
