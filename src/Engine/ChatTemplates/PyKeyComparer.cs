namespace Serving.Engine.ChatTemplates;

/// <summary>Dict-key equality with Python's rules: <c>1</c>, <c>1.0</c> and <c>True</c> are one key; strings compare ordinally.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => PyOps.AreEqual(x, y);

    public int GetHashCode(object obj) => obj switch
    {
        string s => StringComparer.Ordinal.GetHashCode(s),
        bool b => (b ? 1.0 : 0.0).GetHashCode(),
        long l => ((double)l).GetHashCode(),
        double d => d.GetHashCode(),
        object?[] tuple => tuple.Aggregate(17, (h, item) => HashCode.Combine(h, item is null ? 0 : GetHashCode(item))),
        _ => throw new ChatTemplateException($"unhashable type: '{PyText.TypeName(obj)}'"),
    };
}
