namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body of <c>POST /v1/chat/completions</c>.</summary>
internal sealed record ChatCompletionRequest : SamplingFields
{
    public string? Model { get; init; }

    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>The newer name of <see cref="SamplingFields.MaxTokens"/>; wins when both are sent.</summary>
    public int? MaxCompletionTokens { get; init; }

    /// <summary>Chat API: whether to return the chosen tokens' log-probabilities.</summary>
    public bool? Logprobs { get; init; }

    /// <summary>Alternatives per token (0..20); needs <see cref="Logprobs"/> true.</summary>
    public int? TopLogprobs { get; init; }
}
