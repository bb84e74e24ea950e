using System.Globalization;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>Jinja's built-in filters that chat templates use, with Jinja's argument names and defaults; string filters
/// here, sequence filters in the other part. <c>tojson</c> is transformers' version, <c>safe</c> is a no-op (autoescape is off).</summary>
internal static partial class Filters
{
    private delegate object? Filter(Evaluator evaluator, object? value, CallArgs args);

    private static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["trim"] = (_, v, a) => Check(a, "trim", "chars") ?? PyString.Strip(PyText.Str(v), OptionalString(a.Get(0, "chars")), true, true),
        ["upper"] = (_, v, a) => Check(a, "upper") ?? PyText.Str(v).ToUpperInvariant(),
        ["lower"] = (_, v, a) => Check(a, "lower") ?? PyText.Str(v).ToLowerInvariant(),
        ["capitalize"] = (_, v, a) => Check(a, "capitalize") ?? PyString.Capitalize(PyText.Str(v)),
        ["title"] = (_, v, a) => Check(a, "title") ?? Title(PyText.Str(v)),
        ["string"] = (ev, v, a) => Check(a, "string") ?? PyText.Str(v, ev.Limits.MaxDepth),
        ["safe"] = (_, v, a) => Check(a, "safe") ?? v,
        ["escape"] = (_, v, a) => Check(a, "escape") ?? Escape(PyText.Str(v)),
        ["e"] = (_, v, a) => Check(a, "e") ?? Escape(PyText.Str(v)),
        ["replace"] = Replace,
        ["indent"] = Indent,
        ["format"] = (_, v, a) => PyFormat.Percent(PyText.Str(v), a.Named.Count > 0
            ? a.Named.Aggregate(new OrderedDictionary<object, object?>(PyKeyComparer.Instance), (d, kv) => { d[kv.Key] = kv.Value; return d; })
            : a.Positional.ToArray()),
        ["tojson"] = ToJson,
        ["default"] = Default,
        ["d"] = Default,
        ["int"] = Int,
        ["float"] = Float,
        ["round"] = Round,
        ["abs"] = (_, v, a) => Check(a, "abs") ?? v switch
        {
            long l => (object)Math.Abs(l),
            double d => (object)Math.Abs(d),
            bool b => (object)(b ? 1L : 0L),
            _ => throw new ChatTemplateException($"bad operand type for abs(): '{PyText.TypeName(v)}'"),
        },
        ["length"] = (_, v, a) => Check(a, "length") ?? Sequences.Length(v),
        ["count"] = (_, v, a) => Check(a, "count") ?? Sequences.Length(v),
        ["first"] = (_, v, a) => Check(a, "first") ?? (Sequences.Iterate(v) is { Count: > 0 } items ? items[0] : new Undefined("first")),
        ["last"] = (_, v, a) => Check(a, "last") ?? (Sequences.Iterate(v) is { Count: > 0 } items ? items[^1] : new Undefined("last")),
        ["list"] = (_, v, a) => Check(a, "list") ?? Sequences.Iterate(v).ToList(),
        ["items"] = Items,
        ["dictsort"] = DictSort,
        ["join"] = Join,
        ["map"] = Map,
        ["select"] = (ev, v, a) => SelectOrReject(ev, v, a, select: true, byAttribute: false),
        ["reject"] = (ev, v, a) => SelectOrReject(ev, v, a, select: false, byAttribute: false),
        ["selectattr"] = (ev, v, a) => SelectOrReject(ev, v, a, select: true, byAttribute: true),
        ["rejectattr"] = (ev, v, a) => SelectOrReject(ev, v, a, select: false, byAttribute: true),
        ["reverse"] = Reverse,
        ["sort"] = Sort,
        ["unique"] = Unique,
        ["sum"] = Sum,
        ["min"] = (ev, v, a) => MinMax(ev, v, a, "min"),
        ["max"] = (ev, v, a) => MinMax(ev, v, a, "max"),
        ["attr"] = (_, v, a) => Check(a, "attr", "name") ?? Evaluator.GetAttribute(v, PyText.Str(a.Get(0, "name"))),
    };

    public static bool Exists(string name) => All.ContainsKey(name);

    public static object? Apply(string name, Evaluator evaluator, object? value, CallArgs args) =>
        All.TryGetValue(name, out var filter) ? filter(evaluator, value, args) : throw new ChatTemplateException($"no filter named '{name}'");

    /// <summary>Validates the argument names; returns null so a filter body can read <c>Check(...) ?? result</c>.</summary>
    private static object? Check(CallArgs args, string filter, params string[] names)
    {
        args.Check(filter, names);
        return null;
    }

    private static string? OptionalString(object? value) => value switch
    {
        null or Undefined => null,
        string s => s,
        _ => throw new ChatTemplateException($"expected a string argument, got {PyText.TypeName(value)}"),
    };

    private static string Replace(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("replace", "old", "new", "count");
        var count = args.Get(2, "count") is long c ? c : -1;
        return StringMethods.Replace(PyText.Str(value), PyText.Str(args.Get(0, "old")), PyText.Str(args.Get(1, "new")), count, evaluator.Limits.MaxOutputChars);
    }

    /// <summary>Jinja's <c>title</c>: upper-cases the first letter of each word (split at whitespace, <c>-</c> and brackets).</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var wordStart = true;
        foreach (var c in s)
        {
            var separator = PyString.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(separator ? c : wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = separator;
        }

        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static object? Indent(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("indent", "width", "first", "blank");
        var width = args.Get(0, "width", 4L);
        var indentation = width is string w ? w : new string(' ', (int)Math.Clamp(width is long l ? l : 4, 0, 1024));
        var first = PyOps.IsTruthy(args.Get(1, "first", false));
        var blank = PyOps.IsTruthy(args.Get(2, "blank", false));
        var lines = (PyText.Str(value) + "\n").Split('\n')[..^1];
        var sb = new StringBuilder(lines[0]);
        for (var i = 1; i < lines.Length; i++)
        {
            sb.Append('\n').Append(blank || lines[i].Length > 0 ? indentation : "").Append(lines[i]);
            if (sb.Length > evaluator.Limits.MaxOutputChars)
            {
                throw new ChatTemplateException($"template output limit exceeded ({evaluator.Limits.MaxOutputChars} characters)");
            }
        }

        return (first ? indentation : "") + sb;
    }

    private static string ToJson(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("tojson", "ensure_ascii", "indent", "separators", "sort_keys");
        var indentArg = args.Get(1, "indent");
        var indent = indentArg switch
        {
            null => null,
            long n => new string(' ', (int)Math.Clamp(n, 0, 1024)),
            string s => s,
            _ => throw new ChatTemplateException($"tojson indent must be an int or a string, got {PyText.TypeName(indentArg)}"),
        };
        var (itemSeparator, keySeparator) = args.Get(2, "separators") switch
        {
            null => (indent is null ? ", " : ",", ": "),
            IReadOnlyList<object?> { Count: 2 } pair when pair[0] is string a && pair[1] is string b => (a, b),
            _ => throw new ChatTemplateException("tojson separators must be a pair of strings"),
        };
        var json = PyJson.Serialize(value, indent, itemSeparator, keySeparator, PyOps.IsTruthy(args.Get(3, "sort_keys", false)), evaluator.Limits.MaxDepth);
        return PyOps.IsTruthy(args.Get(0, "ensure_ascii", false)) ? EscapeNonAscii(json) : json;
    }

    private static string EscapeNonAscii(string json)
    {
        var sb = new StringBuilder(json.Length);
        foreach (var c in json)
        {
            sb.Append(c < 0x80 ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return sb.ToString();
    }

    private static object? Default(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("default", "default_value", "boolean");
        var useDefault = value is Undefined || (PyOps.IsTruthy(args.Get(1, "boolean", false)) && !PyOps.IsTruthy(value));
        return useDefault ? args.Get(0, "default_value", "") : value;
    }

    private static object? Int(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("int", "default", "base");
        var fallback = args.Get(0, "default", 0L);
        var numberBase = args.Get(1, "base", 10L) is long b ? (int)b : 10;
        return value switch
        {
            long or bool => (long)PyOps.ToDouble(value),
            double d when double.IsFinite(d) => (long)Math.Truncate(d),
            string s when numberBase == 10 && long.TryParse(s.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            string s when numberBase is 2 or 8 or 16 && TryParseBase(s.Trim(), numberBase, out var l) => l,
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => (long)Math.Truncate(d),
            _ => fallback,
        };
    }

    private static bool TryParseBase(string s, int numberBase, out long value)
    {
        try
        {
            value = Convert.ToInt64(s, numberBase);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            value = 0;
            return false;
        }
    }

    private static object? Float(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("float", "default");
        return value switch
        {
            long or bool or double => PyOps.ToDouble(value),
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => args.Get(0, "default", 0.0),
        };
    }

    private static object? Round(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("round", "precision", "method");
        var precision = args.Get(0, "precision", 0L) is long p ? (int)Math.Clamp(p, -15, 15) : 0;
        var method = PyText.Str(args.Get(1, "method", "common"));
        if (value is not (long or bool or double))
        {
            throw new ChatTemplateException($"round() needs a number, got {PyText.TypeName(value)}");
        }

        if (value is long or bool && method == "common" && precision >= 0)
        {
            return value is bool b ? (b ? 1L : 0L) : value;
        }

        var x = PyOps.ToDouble(value);
        var scale = Math.Pow(10, precision);
        return method switch
        {
            // NOTE: Jinja's "common" is Python's round(): halves go to the even neighbour.
            "common" => precision >= 0 ? Math.Round(x, precision, MidpointRounding.ToEven) : Math.Round(x * scale, MidpointRounding.ToEven) / scale,
            "floor" => Math.Floor(x * scale) / scale,
            "ceil" => Math.Ceiling(x * scale) / scale,
            _ => throw new ChatTemplateException("method must be 'common', 'ceil' or 'floor'"),
        };
    }
}
