namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body of <c>POST /tokenize</c>: vLLM's (<c>prompt</c> or <c>messages</c>, <c>add_special_tokens</c>) or
/// llama.cpp's (<c>content</c>, <c>add_special</c>) shape; exactly one of prompt, content and messages is sent.</summary>
internal sealed record TokenizeRequest
{
    public string? Model { get; init; }

    public string? Prompt { get; init; }

    public string? Content { get; init; }

    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    public bool? AddSpecialTokens { get; init; }

    public bool? AddSpecial { get; init; }

    /// <summary>With <see cref="Messages"/>: end the rendering with the assistant turn's opening (default true).</summary>
    public bool? AddGenerationPrompt { get; init; }
}
