namespace Serving.Engine.ChatTemplates;

/// <summary>The evaluated arguments of one call, filter or test: positional values, then <c>name=value</c> pairs.</summary>
internal sealed class CallArgs
{
    public static readonly CallArgs Empty = new([], []);

    public CallArgs(IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>> named)
    {
        Positional = positional;
        Named = named;
    }

    public IReadOnlyList<object?> Positional { get; }

    public IReadOnlyList<KeyValuePair<string, object?>> Named { get; }

    /// <summary>The argument at <paramref name="index"/> or called <paramref name="name"/>, else <paramref name="defaultValue"/> (Python's binding rules).</summary>
    public object? Get(int index, string name, object? defaultValue = null)
    {
        foreach (var (key, value) in Named)
        {
            if (key == name)
            {
                return value;
            }
        }

        return index < Positional.Count ? Positional[index] : defaultValue;
    }

    public bool Has(int index, string name) => index < Positional.Count || Named.Any(kv => kv.Key == name);

    /// <summary>Rejects calls with more arguments than <paramref name="names"/> or unknown keywords, as Python would.</summary>
    public void Check(string function, params string[] names)
    {
        if (Positional.Count > names.Length)
        {
            throw new ChatTemplateException($"{function}() takes at most {names.Length} arguments ({Positional.Count} given)");
        }

        foreach (var (key, _) in Named)
        {
            var index = Array.IndexOf(names, key);
            if (index < 0)
            {
                throw new ChatTemplateException($"{function}() got an unexpected keyword argument '{key}'");
            }

            if (index < Positional.Count)
            {
                throw new ChatTemplateException($"{function}() got multiple values for argument '{key}'");
            }
        }
    }
}
