using Serving.Scheduler.KVCache;

namespace Serving.Scheduler.Scheduling;

/// <summary>The plan of one step, decided before anything runs: which sequences compute how many tokens (running ones
/// first, then newly admitted ones), the copy-on-writes to do first, and who was preempted.</summary>
internal sealed record SchedulerOutput(
    IReadOnlyList<ScheduledSequence> ScheduledSequences,
    int NumScheduledTokens,
    IReadOnlyList<BlockCopy> BlockCopies,
    IReadOnlyList<string> PreemptedRequestIds)
{
    public bool IsEmpty => ScheduledSequences.Count == 0;
}
