using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body of <c>GET /v1/models</c>.</summary>
internal sealed record ModelList(IReadOnlyList<ModelCard> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "list";
}
