namespace Serving.Engine.ChatTemplates;

/// <summary>Python iteration over template values: lists and tuples by item, strings by character, dicts by key, undefined as empty.</summary>
internal static class Sequences
{
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        string s => PyString.Characters(s),
        OrderedDictionary<object, object?> dict => dict.Keys.Cast<object?>().ToList(),
        Undefined => [],
        _ => throw new ChatTemplateException($"'{PyText.TypeName(value)}' object is not iterable"),
    };

    /// <summary><c>len(value)</c>; undefined has length 0 as in Jinja.</summary>
    public static long Length(object? value) => value switch
    {
        string s => PyString.Length(s),
        IReadOnlyList<object?> list => list.Count,
        OrderedDictionary<object, object?> dict => dict.Count,
        Undefined => 0,
        _ => throw new ChatTemplateException($"object of type '{PyText.TypeName(value)}' has no len()"),
    };
}
