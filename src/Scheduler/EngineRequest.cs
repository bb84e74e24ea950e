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

    /// <summary>When set, outputs carry <see cref="RequestOutput.Text"/> and <see cref="SamplingParams.Stop"/> strings are
    /// honoured; detokenizing runs on the consumer's side, never on the engine thread. One instance per request.</summary>
    public IIncrementalDetokenizer? Detokenizer { get; init; }
}
