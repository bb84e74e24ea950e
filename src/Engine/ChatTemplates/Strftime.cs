using System.Globalization;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>Python's <c>datetime.strftime</c> in the C locale, with glibc's <c>-</c>/<c>_</c>/<c>0</c>/<c>^</c> flags
/// (<c>%-d</c>). The time is naive, as transformers' <c>datetime.now()</c> is, so <c>%z</c> and <c>%Z</c> are empty.</summary>
internal static class Strftime
{
    public static string Format(DateTimeOffset now, string format)
    {
        var t = now.DateTime;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            var start = i;
            var flag = format[i + 1] is '-' or '_' or '0' or '^' ? format[++i] : '\0';
            if (i + 1 >= format.Length)
            {
                sb.Append(format, start, format.Length - start);
                break;
            }

            var directive = format[++i];
            var text = Directive(t, directive);
            sb.Append(text is null ? format[start..(i + 1)] : ApplyFlag(text, flag, directive));
        }

        return sb.ToString();
    }

    private static string? Directive(DateTime t, char directive) => directive switch
    {
        'a' => t.ToString("ddd", CultureInfo.InvariantCulture),
        'A' => t.ToString("dddd", CultureInfo.InvariantCulture),
        'b' or 'h' => t.ToString("MMM", CultureInfo.InvariantCulture),
        'B' => t.ToString("MMMM", CultureInfo.InvariantCulture),
        'c' => Format(t, "%a %b %e %H:%M:%S %Y"),
        'C' => (t.Year / 100).ToString("00", CultureInfo.InvariantCulture),
        'd' => t.Day.ToString("00", CultureInfo.InvariantCulture),
        'D' => Format(t, "%m/%d/%y"),
        'e' => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
        'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
        'F' => Format(t, "%Y-%m-%d"),
        'G' => ISOWeek.GetYear(t).ToString(CultureInfo.InvariantCulture),
        'g' => (ISOWeek.GetYear(t) % 100).ToString("00", CultureInfo.InvariantCulture),
        'H' => t.Hour.ToString("00", CultureInfo.InvariantCulture),
        'I' => Hour12(t).ToString("00", CultureInfo.InvariantCulture),
        'j' => t.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
        'k' => t.Hour.ToString(CultureInfo.InvariantCulture).PadLeft(2),
        'l' => Hour12(t).ToString(CultureInfo.InvariantCulture).PadLeft(2),
        'm' => t.Month.ToString("00", CultureInfo.InvariantCulture),
        'M' => t.Minute.ToString("00", CultureInfo.InvariantCulture),
        'n' => "\n",
        'p' => t.Hour < 12 ? "AM" : "PM",
        'P' => t.Hour < 12 ? "am" : "pm",
        'R' => Format(t, "%H:%M"),
        's' => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        'S' => t.Second.ToString("00", CultureInfo.InvariantCulture),
        't' => "\t",
        'T' => Format(t, "%H:%M:%S"),
        'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
        'U' => ((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7).ToString("00", CultureInfo.InvariantCulture),
        'V' => ISOWeek.GetWeekOfYear(t).ToString("00", CultureInfo.InvariantCulture),
        'w' => ((int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
        'W' => ((t.DayOfYear + 6 - (((int)t.DayOfWeek + 6) % 7)) / 7).ToString("00", CultureInfo.InvariantCulture),
        'x' => Format(t, "%m/%d/%y"),
        'X' => Format(t, "%H:%M:%S"),
        'y' => (t.Year % 100).ToString("00", CultureInfo.InvariantCulture),
        'Y' => t.Year.ToString(CultureInfo.InvariantCulture),
        'z' or 'Z' => "",
        '%' => "%",
        _ => null,
    };

    private static string Format(DateTime t, string format) => Format(new DateTimeOffset(t, TimeSpan.Zero), format);

    private static int Hour12(DateTime t) => t.Hour % 12 == 0 ? 12 : t.Hour % 12;

    private static string Unpadded(string text) => text.TrimStart('0', ' ') is { Length: > 0 } trimmed ? trimmed : "0";

    private static string ApplyFlag(string text, char flag, char directive)
    {
        var isNumeric = text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == ' ') && directive is not ('n' or 't');
        return flag switch
        {
            '-' when isNumeric => Unpadded(text),
            '_' when isNumeric => Unpadded(text).PadLeft(text.Length),
            '0' when isNumeric => text.Replace(' ', '0'),
            '^' => text.ToUpperInvariant(),
            _ => text,
        };
    }
}
