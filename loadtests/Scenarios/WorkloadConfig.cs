namespace Serving.LoadTests.Scenarios;

/// <summary>What each request asks for: API, streaming, prompt and output lengths, shared prefix, prompts dataset.</summary>
internal sealed record WorkloadConfig
{
    /// <summary>Use /v1/chat/completions (one user message) instead of /v1/completions.</summary>
    public bool Chat { get; init; }

    public bool Stream { get; init; } = true;

    /// <summary>Total prompt length in tokens, the shared prefix included (approximate; see <c>PromptFactory</c>).</summary>
    public LengthDistribution PromptTokens { get; init; } = LengthDistribution.Fixed(128);

    /// <summary>max_tokens per request; with <see cref="IgnoreEos"/> it is the output length.</summary>
    public LengthDistribution MaxTokens { get; init; } = LengthDistribution.Fixed(64);

    /// <summary>The first K prompt tokens are the same text in every request, to exercise prefix caching.</summary>
    public int SharedPrefixTokens { get; init; }

    /// <summary>Send vLLM's ignore_eos so generation runs to max_tokens.</summary>
    public bool IgnoreEos { get; init; } = true;

    public double Temperature { get; init; }

    /// <summary>A file of prompts, one per line (plain text, or JSON objects with "prompt" or "text"); replaces generated prompts.</summary>
    public string? Dataset { get; init; }

    /// <summary>Calibrate generated prompts with the server's /tokenize when it answers.</summary>
    public bool UseTokenizer { get; init; } = true;
}
