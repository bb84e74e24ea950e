using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>A non-streamed chat completion (<c>object: "chat.completion"</c>).</summary>
internal sealed record ChatCompletionResponse(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "chat.completion";
}
