using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>One streamed chat event (<c>object: "chat.completion.chunk"</c>); the usage chunk has no choices.</summary>
internal sealed record ChatCompletionChunk(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Usage? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "chat.completion.chunk";
}
