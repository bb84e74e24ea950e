using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Serving.LoadTests.Metrics;

/// <summary>Parses the Prometheus text format (0.0.4): comments skipped, label values unescaped, NaN/±Inf values, timestamps ignored.</summary>
internal static class PrometheusTextParser
{
    /// <summary>Every sample in <paramref name="text"/>; a line that is not a valid sample is skipped, not fatal.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length > 0 && line[0] != '#' && TryParseLine(line, out var sample))
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    private static bool TryParseLine(string line, [NotNullWhen(true)] out PrometheusSample? sample)
    {
        sample = null;
        var nameEnd = line.IndexOfAny(['{', ' ', '\t']);
        if (nameEnd <= 0)
        {
            return false;
        }

        var name = line[..nameEnd];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = nameEnd;
        if (line[position] == '{' && !TryParseLabels(line, ref position, labels))
        {
            return false;
        }

        var fields = line[position..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || !TryParseValue(fields[0], out var value))
        {
            return false;
        }

        sample = new PrometheusSample(name, labels, value);
        return true;
    }

    /// <summary>Reads <c>{a="x",b="y\"z"}</c> starting at the brace; leaves <paramref name="position"/> after the closing brace.</summary>
    private static bool TryParseLabels(string line, ref int position, Dictionary<string, string> labels)
    {
        position++;
        while (position < line.Length)
        {
            while (position < line.Length && (line[position] == ',' || line[position] == ' '))
            {
                position++;
            }

            if (position < line.Length && line[position] == '}')
            {
                position++;
                return true;
            }

            var equals = line.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                return false;
            }

            var key = line[position..equals].Trim();
            var value = new StringBuilder();
            position = equals + 2;
            while (position < line.Length && line[position] != '"')
            {
                if (line[position] == '\\' && position + 1 < line.Length)
                {
                    position++;
                    value.Append(line[position] == 'n' ? '\n' : line[position]);
                }
                else
                {
                    value.Append(line[position]);
                }

                position++;
            }

            if (position >= line.Length)
            {
                return false;
            }

            position++;
            labels[key] = value.ToString();
        }

        return false;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
