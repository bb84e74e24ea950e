using System.Globalization;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>Python's printf-style <c>"fmt" % args</c> (also the <c>format</c> filter) and <c>"{}".format(...)</c>, for the
/// conversions templates use: <c>%s %r %d %i %f %x %%</c> with flags, width and precision; <c>{}</c>, <c>{0}</c>, <c>{name}</c>.</summary>
internal static class PyFormat
{
    public static string Percent(string format, object? args)
    {
        var positional = args as object?[] ?? [args];
        var mapping = args as OrderedDictionary<object, object?>;
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                sb.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new ChatTemplateException("incomplete format");
            }

            object? value = null;
            var hasValue = false;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0 || mapping is null)
                {
                    throw new ChatTemplateException("format requires a mapping");
                }

                value = mapping.TryGetValue(format[(i + 1)..close], out var v) ? v : throw new ChatTemplateException($"format key '{format[(i + 1)..close]}' not found");
                hasValue = true;
                i = close + 1;
            }

            var specStart = i;
            while (i < format.Length && "-+ #0123456789.".Contains(format[i], StringComparison.Ordinal))
            {
                i++;
            }

            if (i >= format.Length)
            {
                throw new ChatTemplateException("incomplete format");
            }

            var conversion = format[i];
            if (conversion == '%')
            {
                sb.Append('%');
                continue;
            }

            if (!hasValue)
            {
                value = next < positional.Length ? positional[next++] : throw new ChatTemplateException("not enough arguments for format string");
            }

            sb.Append(Convert(format[specStart..i], conversion, value));
        }

        if (mapping is null && next < positional.Length)
        {
            throw new ChatTemplateException("not all arguments converted during string formatting");
        }

        return sb.ToString();
    }

    /// <summary><c>str.format</c> with <c>{}</c>, <c>{0}</c>, <c>{name}</c> and <c>{{ }}</c> escapes; conversions and format specs are rejected.</summary>
    public static string Braces(string format, CallArgs args)
    {
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c is '{' or '}' && i + 1 < format.Length && format[i + 1] == c)
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                throw new ChatTemplateException("single '}' encountered in format string");
            }

            if (c != '{')
            {
                sb.Append(c);
                continue;
            }

            var close = format.IndexOf('}', i);
            if (close < 0)
            {
                throw new ChatTemplateException("single '{' encountered in format string");
            }

            var field = format[(i + 1)..close];
            if (field.IndexOfAny([':', '!', '.', '[']) >= 0)
            {
                throw new ChatTemplateException($"format field '{{{field}}}' uses a conversion or spec, which is not supported");
            }

            object? value;
            if (field.Length == 0 || char.IsAsciiDigit(field[0]))
            {
                var index = field.Length == 0 ? next++ : int.Parse(field, CultureInfo.InvariantCulture);
                value = index < args.Positional.Count ? args.Positional[index] : throw new ChatTemplateException($"format: replacement index {index} out of range");
            }
            else
            {
                value = args.Named.FirstOrDefault(kv => kv.Key == field) is { Key: not null } named ? named.Value : throw new ChatTemplateException($"format: missing argument '{field}'");
            }

            sb.Append(PyText.Str(value));
            i = close;
        }

        return sb.ToString();
    }

    private static string Convert(string spec, char conversion, object? value)
    {
        var leftAlign = spec.Contains('-', StringComparison.Ordinal);
        var zeroPad = spec.TrimStart('-', '+', ' ', '#').StartsWith('0') && !leftAlign;
        var plus = spec.Contains('+', StringComparison.Ordinal);
        var numbers = spec.TrimStart('-', '+', ' ', '#', '0').Split('.');
        var width = numbers[0].Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 0;
        int? precision = numbers.Length > 1 ? (numbers[1].Length > 0 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 0) : null;
        var text = conversion switch
        {
            's' => PyText.Str(value),
            'r' => PyText.Repr(value),
            'd' or 'i' => Integer(value).ToString(CultureInfo.InvariantCulture),
            'x' => Integer(value).ToString("x", CultureInfo.InvariantCulture),
            'X' => Integer(value).ToString("X", CultureInfo.InvariantCulture),
            'f' or 'F' => Real(value).ToString("F" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            _ => throw new ChatTemplateException($"unsupported format character '{conversion}'"),
        };
        if (conversion is 's' or 'r' && precision is { } p && p < text.Length)
        {
            text = text[..p];
        }

        if (plus && conversion is not ('s' or 'r') && !text.StartsWith('-'))
        {
            text = "+" + text;
        }

        if (text.Length >= width)
        {
            return text;
        }

        if (leftAlign)
        {
            return text.PadRight(width);
        }

        if (zeroPad && conversion is not ('s' or 'r'))
        {
            var sign = text.StartsWith('-') || text.StartsWith('+') ? text[..1] : "";
            return sign + text[sign.Length..].PadLeft(width - sign.Length, '0');
        }

        return text.PadLeft(width);
    }

    private static long Integer(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)Math.Truncate(d),
        _ => throw new ChatTemplateException($"%d format: a real number is required, not {PyText.TypeName(value)}"),
    };

    private static double Real(object? value) => value is bool or long or double
        ? PyOps.ToDouble(value)
        : throw new ChatTemplateException($"must be real number, not {PyText.TypeName(value)}");
}
