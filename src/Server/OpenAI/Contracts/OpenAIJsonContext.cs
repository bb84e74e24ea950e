using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>Source-generated (de)serializers for every type on the HTTP surface, snake_case like OpenAI (STYLE T6).</summary>
/// <remarks>Nulls are written (OpenAI sends <c>"finish_reason":null</c>, <c>"logprobs":null</c>); the few fields OpenAI
/// omits instead are marked per property. Strict numbers: <c>"0.5"</c> for a float is a 400, not a silent parse.</remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(DetokenizeRequest))]
[JsonSerializable(typeof(CompletionResponse))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(DetokenizeResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
