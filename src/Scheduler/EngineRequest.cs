using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>A generation request handed to <see cref="IEngineClient.AddRequest"/>: tokenized prompt plus validated
/// sampling parameters (validation happens at the server boundary, STYLE E2).</summary>
public sealed record EngineRequest
{
    /// <summary>Unique among unfinished requests (e.g. "cmpl-…").</summary>
    public required string RequestId { get; init; }

    public required IReadOnlyList<int> PromptTokenIds { get; init; }

    public required SamplingParams SamplingParams { get; init; }

    /// <summary>Choices to generate (OpenAI <c>n</c>), 1 .. max_num_seqs. They share the prompt's KV blocks; choice i samples
    /// with seed + i, so each is reproducible alone.</summary>
    public int N { get; init; } = 1;

    /// <summary>When set, outputs carry <see cref="RequestOutput.Text"/> and <see cref="SamplingParams.Stop"/> strings are
    /// honoured; detokenizing runs on the consumer's side, never on the engine thread. Called once per choice.</summary>
    public Func<IIncrementalDetokenizer>? CreateDetokenizer { get; init; }
}
