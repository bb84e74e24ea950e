using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>A text completion (<c>object: "text_completion"</c>), and also each chunk of a streamed one: OpenAI uses the
/// same shape for both; streamed chunks carry the text delta and <c>usage</c> only on the final usage chunk.</summary>
internal sealed record CompletionResponse(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<CompletionChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Usage? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "text_completion";
}
