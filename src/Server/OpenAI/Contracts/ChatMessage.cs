using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>One chat turn. <see cref="Content"/> arrives as a string or an array of text parts; the converter joins the
/// parts, so the rest of the server sees plain text.</summary>
internal sealed record ChatMessage
{
    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; init; }

    public string? Name { get; init; }
}
