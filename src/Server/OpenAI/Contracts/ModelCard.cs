using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>One served model; <c>max_model_len</c> is vLLM's extension (the context length in tokens).</summary>
internal sealed record ModelCard(string Id, long Created, string OwnedBy, int MaxModelLen)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "model";
}
