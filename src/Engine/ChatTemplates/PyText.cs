using System.Globalization;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>Python's <c>str()</c> and <c>repr()</c> of template values: what <c>{{ x }}</c> prints and <c>|string</c> returns.</summary>
internal static class PyText
{
    /// <summary><c>str(value)</c>; undefined prints as the empty string, as in Jinja.</summary>
    public static string Str(object? value, int maxDepth = 128) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value, maxDepth),
    };

    /// <summary><c>repr(value)</c>: strings quoted, containers recursively.</summary>
    public static string Repr(object? value, int maxDepth = 128)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value, maxDepth);
        return sb.ToString();
    }

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        IReadOnlyList<object?> => "list",
        OrderedDictionary<object, object?> => "dict",
        PyNamespace => "Namespace",
        LoopContext => "LoopContext",
        PyCallable => "function",
        _ => value.GetType().Name,
    };

    /// <summary>Python's float repr: the shortest round-trip digits, positional for 1e-4 &lt;= |x| &lt; 1e16, else <c>1e+16</c> style.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        var (digits, decpt) = ShortestDigits(Math.Abs(d));
        var sign = d < 0 ? "-" : "";
        if (decpt > -4 && decpt <= 16)
        {
            string body;
            if (decpt <= 0)
            {
                body = "0." + new string('0', -decpt) + digits;
            }
            else if (decpt >= digits.Length)
            {
                body = digits + new string('0', decpt - digits.Length) + ".0";
            }
            else
            {
                body = digits[..decpt] + "." + digits[decpt..];
            }

            return sign + body;
        }

        var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        var exp = decpt - 1;
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>The shortest round-trip significant digits of a positive finite double and the decimal point position
    /// (value = 0.DIGITS x 10^decpt), taken from .NET's round-trip "R" form.</summary>
    private static (string Digits, int DecimalPoint) ShortestDigits(double positive)
    {
        var s = positive.ToString("R", CultureInfo.InvariantCulture);
        var exp10 = 0;
        var e = s.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exp10 = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? s[..dot] : s;
        var digits = intPart + (dot >= 0 ? s[(dot + 1)..] : "");
        var decpt = intPart.Length + exp10;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        return (digits, decpt - leadingZeros);
    }

    private static void AppendRepr(StringBuilder sb, object? value, int depth)
    {
        if (depth <= 0)
        {
            throw new ChatTemplateException("value nested too deeply to print");
        }

        switch (value)
        {
            case null:
                sb.Append("None");
                break;
            case Undefined:
                break;
            case bool b:
                sb.Append(b ? "True" : "False");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(FloatRepr(d));
                break;
            case string s:
                AppendStringRepr(sb, s);
                break;
            case object?[] tuple:
                sb.Append('(');
                AppendItems(sb, tuple, depth);
                sb.Append(tuple.Length == 1 ? ",)" : ")");
                break;
            case IReadOnlyList<object?> list:
                sb.Append('[');
                AppendItems(sb, list, depth);
                sb.Append(']');
                break;
            case OrderedDictionary<object, object?> dict:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in dict)
                {
                    sb.Append(first ? "" : ", ");
                    first = false;
                    AppendRepr(sb, k, depth - 1);
                    sb.Append(": ");
                    AppendRepr(sb, v, depth - 1);
                }

                sb.Append('}');
                break;
            case PyNamespace ns:
                sb.Append("<Namespace ");
                AppendRepr(sb, ToDict(ns), depth - 1);
                sb.Append('>');
                break;
            case PyCallable c:
                sb.Append("<function ").Append(c.Name).Append('>');
                break;
            case LoopContext:
                sb.Append("<LoopContext>");
                break;
            default:
                throw new InvalidOperationException($"unexpected template value type {value.GetType()}");
        }
    }

    private static OrderedDictionary<object, object?> ToDict(PyNamespace ns)
    {
        var d = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
        foreach (var (k, v) in ns.Attributes)
        {
            d[k] = v;
        }

        return d;
    }

    private static void AppendItems(StringBuilder sb, IReadOnlyList<object?> items, int depth)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            AppendRepr(sb, items[i], depth - 1);
        }
    }

    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append((char)c);
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (IsPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else
            {
                sb.Append(c < 0x100 ? $"\\x{c:x2}" : c < 0x10000 ? $"\\u{c:x4}" : $"\\U{c:x8}");
            }
        }

        sb.Append(quote);
    }

    /// <summary>Python's <c>str.isprintable</c> for one code point: everything but control, format, separator (except space) and unassigned.</summary>
    private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
