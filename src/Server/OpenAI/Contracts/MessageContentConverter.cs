using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>Reads chat <c>content</c>: a string, null, or an array of <c>{"type":"text","text":...}</c> parts joined with
/// newlines (vLLM's joining). Non-text parts (images, audio) are rejected: this server is text-only.</summary>
internal sealed class MessageContentConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                break;
            default:
                throw new JsonException("content must be a string or an array of text parts.");
        }

        var text = new StringBuilder();
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var part = ReadTextPart(ref reader);
            text.Append(first ? "" : "\n").Append(part);
            first = false;
        }

        return text.ToString();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private static string ReadTextPart(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("each content part must be an object.");
        }

        string? type = null;
        string? text = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type" when reader.TokenType == JsonTokenType.String:
                    type = reader.GetString();
                    break;
                case "text" when reader.TokenType == JsonTokenType.String:
                    text = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return type == "text" && text is not null
            ? text
            : throw new JsonException($"unsupported content part type '{type}': only text parts are supported.");
    }
}
