namespace Serving.Engine.ChatTemplates;

/// <summary>The mutable object <c>namespace(...)</c> returns: the one way a template carries state out of a loop body.</summary>
internal sealed class PyNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
