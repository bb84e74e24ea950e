using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>One update of a request's output stream for one of its choices: at most one new token per engine step, and a
/// finish reason on that choice's last update.</summary>
public sealed record RequestOutput
{
    public required string RequestId { get; init; }

    /// <summary>Choice index (0 .. n-1) this update belongs to.</summary>
    public int Index { get; init; }

    /// <summary>Tokens generated since the previous update (empty on a final update that carries no token, e.g. abort).</summary>
    public required IReadOnlyList<int> NewTokenIds { get; init; }

    /// <summary>Text of <see cref="NewTokenIds"/> when the request has a detokenizer, with stop strings held back; else empty.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>One entry per new token when <see cref="SamplingParams.Logprobs"/> was asked for; else null.</summary>
    public IReadOnlyList<SampledToken>? Logprobs { get; init; }

    /// <summary>Null while the request runs; set on its last update.</summary>
    public FinishReason? FinishReason { get; init; }

    /// <summary>The stop string that ended the request (its text is not in <see cref="Text"/>), when one did.</summary>
    public string? StopString { get; init; }

    public required int NumPromptTokens { get; init; }

    /// <summary>Prompt tokens served from the prefix cache.</summary>
    public required int NumCachedTokens { get; init; }

    /// <summary>Tokens generated so far, this update included.</summary>
    public required int NumOutputTokens { get; init; }

    /// <summary>Time since the previous token (null for the first token and for updates without one).</summary>
    public TimeSpan? InterTokenTime { get; init; }

    /// <summary>Per-request latencies, on the final update only.</summary>
    public RequestTimings? Timings { get; init; }
}
