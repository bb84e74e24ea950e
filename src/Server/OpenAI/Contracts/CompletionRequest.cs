namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body of <c>POST /v1/completions</c> (OpenAI fields plus vLLM's sampling extensions). Unknown fields are ignored;
/// null means "not sent", and the defaults are applied by the request mapper.</summary>
internal sealed record CompletionRequest : SamplingFields
{
    public string? Model { get; init; }

    public PromptInput? Prompt { get; init; }

    /// <summary>Completions API: the number of top alternatives per token (0..20), or null for none.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Prepend the prompt text to each choice's text.</summary>
    public bool? Echo { get; init; }
}
