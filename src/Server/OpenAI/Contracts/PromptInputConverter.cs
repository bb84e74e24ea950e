using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>Reads <c>"text"</c>, <c>["a","b"]</c>, <c>[1,2,3]</c> or <c>[[1,2],[3]]</c> into a <see cref="PromptInput"/>.</summary>
/// <remarks>Any other shape throws <see cref="JsonException"/>, which the endpoint turns into a 400 with <c>param: "prompt"</c>.</remarks>
internal sealed class PromptInputConverter : JsonConverter<PromptInput>
{
    public override PromptInput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new PromptInput { Texts = [reader.GetString()!] };
        }

        Expect(ref reader, JsonTokenType.StartArray);
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String or JsonTokenType.EndArray => new PromptInput { Texts = ReadStrings(ref reader) },
            JsonTokenType.Number => new PromptInput { TokenIds = [ReadInts(ref reader)] },
            JsonTokenType.StartArray => new PromptInput { TokenIds = ReadIntArrays(ref reader) },
            _ => throw new JsonException("prompt must be a string, an array of strings, an array of token ids or an array of token-id arrays."),
        };
    }

    public override void Write(Utf8JsonWriter writer, PromptInput value, JsonSerializerOptions options) =>
        throw new NotSupportedException("PromptInput is request-only.");

    private static List<string> ReadStrings(ref Utf8JsonReader reader)
    {
        var texts = new List<string>();
        for (; reader.TokenType != JsonTokenType.EndArray; reader.Read())
        {
            Expect(ref reader, JsonTokenType.String);
            texts.Add(reader.GetString()!);
        }

        return texts;
    }

    private static List<IReadOnlyList<int>> ReadIntArrays(ref Utf8JsonReader reader)
    {
        var prompts = new List<IReadOnlyList<int>>();
        for (; reader.TokenType != JsonTokenType.EndArray; reader.Read())
        {
            Expect(ref reader, JsonTokenType.StartArray);
            reader.Read();
            prompts.Add(ReadInts(ref reader));
        }

        return prompts;
    }

    /// <summary>Reads numbers up to and including the closing bracket; the reader starts on the first element.</summary>
    private static int[] ReadInts(ref Utf8JsonReader reader)
    {
        var ids = new List<int>();
        for (; reader.TokenType != JsonTokenType.EndArray; reader.Read())
        {
            Expect(ref reader, JsonTokenType.Number);
            ids.Add(reader.TryGetInt32(out var id) ? id : throw new JsonException("token ids must be 32-bit integers."));
        }

        return [.. ids];
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"prompt: expected {type} but found {reader.TokenType}.");
        }
    }
}
