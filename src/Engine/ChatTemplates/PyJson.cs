using System.Globalization;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>The <c>tojson</c> filter exactly as transformers defines it: <c>json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)</c>.
/// Non-ASCII is kept, <c>&lt; &gt; &amp; '</c> are not escaped, separators default to <c>", "</c>/<c>": "</c> (<c>","</c> with an indent).</summary>
internal static class PyJson
{
    public static string Serialize(object? value, string? indent, string itemSeparator, string keySeparator, bool sortKeys, int maxDepth)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, itemSeparator, keySeparator, sortKeys, 0, maxDepth);
        return sb.ToString();
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }

    private static void Write(StringBuilder sb, object? value, string? indent, string itemSep, string keySep, bool sortKeys, int level, int maxDepth)
    {
        if (level >= maxDepth)
        {
            throw new ChatTemplateException("value nested too deeply for tojson");
        }

        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : PyText.FloatRepr(d));
                break;
            case string s:
                WriteString(sb, s);
                break;
            case IReadOnlyList<object?> list:
                WriteContainer(sb, '[', ']', list.Count, indent, itemSep, level, i => Write(sb, list[i], indent, itemSep, keySep, sortKeys, level + 1, maxDepth));
                break;
            case OrderedDictionary<object, object?> dict:
                var entries = dict.Select(kv => (Key: KeyString(kv.Key), kv.Value)).ToList();
                if (sortKeys)
                {
                    entries.Sort((a, b) => PyString.CompareCodePoints(a.Key, b.Key));
                }

                WriteContainer(sb, '{', '}', entries.Count, indent, itemSep, level, i =>
                {
                    WriteString(sb, entries[i].Key);
                    sb.Append(keySep);
                    Write(sb, entries[i].Value, indent, itemSep, keySep, sortKeys, level + 1, maxDepth);
                });
                break;
            case PyNamespace or PyCallable or LoopContext or Undefined:
                throw new ChatTemplateException($"Object of type {PyText.TypeName(value)} is not JSON serializable");
            default:
                throw new InvalidOperationException($"unexpected template value type {value.GetType()}");
        }
    }

    private static void WriteContainer(StringBuilder sb, char open, char close, int count, string? indent, string itemSep, int level, Action<int> writeItem)
    {
        sb.Append(open);
        if (count == 0)
        {
            sb.Append(close);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(itemSep);
            }

            if (indent is not null)
            {
                sb.Append('\n').Insert(sb.Length, indent, level + 1);
            }

            writeItem(i);
        }

        if (indent is not null)
        {
            sb.Append('\n').Insert(sb.Length, indent, level);
        }

        sb.Append(close);
    }

    /// <summary>json.dumps turns int, float, bool and None keys into strings; other key types are an error.</summary>
    private static string KeyString(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PyText.FloatRepr(d),
        _ => throw new ChatTemplateException($"keys must be str, int, float, bool or None, not {PyText.TypeName(key)}"),
    };
}
