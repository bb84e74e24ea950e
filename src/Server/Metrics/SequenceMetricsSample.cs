namespace Serving.Server.Metrics;

/// <summary>What one finished sequence contributes to the per-request series; times are measured from its arrival.</summary>
/// <param name="FinishReason">OpenAI spelling: <c>stop</c>, <c>length</c> or <c>abort</c>.</param>
/// <param name="NumPromptTokens">Prompt tokens, cached prefix included.</param>
/// <param name="NumGeneratedTokens">Tokens generated.</param>
/// <param name="QueueTime">Arrival → first schedule; null if it was never scheduled.</param>
/// <param name="TimeToFirstToken">Arrival → first generated token; null if none was generated.</param>
/// <param name="EndToEnd">Arrival → finish.</param>
internal readonly record struct SequenceMetricsSample(
    string FinishReason,
    int NumPromptTokens,
    int NumGeneratedTokens,
    TimeSpan? QueueTime,
    TimeSpan? TimeToFirstToken,
    TimeSpan EndToEnd);
