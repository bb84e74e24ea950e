using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serving.LoadTests.Scenarios;

/// <summary>Durations in config files are written like the command line's: "30s", "500ms", "2m", "1h", or a number of seconds.</summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number
            ? TimeSpan.FromSeconds(reader.GetDouble())
            : Parse(reader.GetString() ?? throw new JsonException("a duration may not be null"));

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s");

    /// <summary>Parses "30s", "500ms", "2m", "1h" or a bare number of seconds.</summary>
    public static TimeSpan Parse(string text)
    {
        var (number, unit) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new FormatException($"'{text}' is not a duration (examples: 30s, 500ms, 2m)");
    }
}
