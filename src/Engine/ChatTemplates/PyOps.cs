using System.Diagnostics.CodeAnalysis;

namespace Serving.Engine.ChatTemplates;

/// <summary>Python semantics of the template operators: truthiness, <c>==</c>, ordering, <c>in</c> and arithmetic.</summary>
internal static class PyOps
{
    public static bool IsTruthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        OrderedDictionary<object, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>True for bool, int and float: Python's <c>True == 1</c> and <c>1 == 1.0</c>.</summary>
    public static bool IsNumber(object? value) => value is bool or long or double;

    public static double ToDouble(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        _ => throw new InvalidOperationException("not a number"),
    };

    public static bool AreEqual(object? x, object? y, int depth = 128)
    {
        if (depth <= 0)
        {
            throw new ChatTemplateException("values nested too deeply to compare");
        }

        switch (x, y)
        {
            case (null, null):
                return true;
            case (Undefined, Undefined):
                return true;
            case (string a, string b):
                return string.Equals(a, b, StringComparison.Ordinal);
            case (long a, long b):
                return a == b;
            case var _ when IsNumber(x) && IsNumber(y):
                return ToDouble(x) == ToDouble(y);
            case (object?[] a, object?[] b):
                return SequenceEqual(a, b, depth);
            case (object?[], _) or (_, object?[]):
                return false;
            case (IReadOnlyList<object?> a, IReadOnlyList<object?> b):
                return SequenceEqual(a, b, depth);
            case (OrderedDictionary<object, object?> a, OrderedDictionary<object, object?> b):
                return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && AreEqual(kv.Value, other, depth - 1));
            default:
                return ReferenceEquals(x, y);
        }
    }

    /// <summary>Python ordering for <c>&lt; &lt;= &gt; &gt;=</c>: numbers, strings by code point, sequences lexicographically.</summary>
    public static int Compare(object? x, object? y, int depth = 128)
    {
        if (depth <= 0)
        {
            throw new ChatTemplateException("values nested too deeply to compare");
        }

        if (x is long la && y is long lb)
        {
            return la.CompareTo(lb);
        }

        if (IsNumber(x) && IsNumber(y))
        {
            return ToDouble(x).CompareTo(ToDouble(y));
        }

        if (x is string sa && y is string sb)
        {
            return PyString.CompareCodePoints(sa, sb);
        }

        if (x is IReadOnlyList<object?> a && y is IReadOnlyList<object?> b && IsTuple(x) == IsTuple(y))
        {
            for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
            {
                if (!AreEqual(a[i], b[i], depth - 1))
                {
                    return Compare(a[i], b[i], depth - 1);
                }
            }

            return a.Count.CompareTo(b.Count);
        }

        throw new ChatTemplateException($"'<' not supported between instances of '{PyText.TypeName(x)}' and '{PyText.TypeName(y)}'");
    }

    /// <summary><c>item in container</c>: substring, list membership or dict key; undefined contains nothing.</summary>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        string => throw new ChatTemplateException($"'in <string>' requires string as left operand, not {PyText.TypeName(item)}"),
        IReadOnlyList<object?> list => list.Any(e => AreEqual(e, item)),
        OrderedDictionary<object, object?> dict => IsHashable(item) && dict.ContainsKey(item),
        PyNamespace ns => item is string key && ns.Attributes.ContainsKey(key),
        Undefined => false,
        _ => throw new ChatTemplateException($"argument of type '{PyText.TypeName(container)}' is not iterable"),
    };

    public static bool IsTuple(object? value) => value is object?[];

    /// <summary>Keys a dict can hold: str, int, float, bool and tuples (None is hashable in Python but not a .NET dictionary key).</summary>
    public static bool IsHashable([NotNullWhen(true)] object? item) => item is string or bool or long or double || IsTuple(item);

    private static bool SequenceEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b, int depth)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!AreEqual(a[i], b[i], depth - 1))
            {
                return false;
            }
        }

        return true;
    }
}
