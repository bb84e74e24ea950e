using Serving.Scheduler.Requests;
using Serving.Scheduler.Scheduling;
using RequestScheduler = Serving.Scheduler.Scheduling.Scheduler;

namespace Serving.Scheduler.Tests;

/// <summary>Scheduler builder with tiny defaults (vLLM's create_scheduler; STYLE Q2).</summary>
internal static class TestScheduler
{
    public static RequestScheduler Create(
        int blockSize = 16,
        int numBlocks = 11,
        int maxNumBatchedTokens = 2048,
        int maxNumSeqs = 256,
        bool enablePrefixCaching = true,
        int maxModelLen = 0,
        int[]? eosTokenIds = null) =>
        new(Options(maxNumBatchedTokens, maxNumSeqs, enablePrefixCaching, maxModelLen), blockSize, numBlocks, eosTokenIds ?? []);

    public static SchedulerOptions Options(int maxNumBatchedTokens = 2048, int maxNumSeqs = 256, bool enablePrefixCaching = true, int maxModelLen = 0) => new()
    {
        MaxNumBatchedTokens = maxNumBatchedTokens,
        MaxNumSeqs = maxNumSeqs,
        EnablePrefixCaching = enablePrefixCaching,
        MaxModelLen = maxModelLen,
    };

    /// <summary>Applies <paramref name="output"/> as if every sampling row drew <paramref name="tokenId"/>; checks invariants.</summary>
    public static List<Request> Complete(this RequestScheduler scheduler, SchedulerOutput output, int tokenId = 7)
    {
        var sampled = new int[output.ScheduledSequences.Count];
        Array.Fill(sampled, tokenId);
        var finished = new List<Request>();
        scheduler.UpdateFromOutput(output, sampled, finished);
        scheduler.AssertInvariants();
        return finished;
    }

    public static Dictionary<string, int> TokensByRequest(this SchedulerOutput output) =>
        output.ScheduledSequences.ToDictionary(s => s.RequestId, s => s.NumScheduledTokens);
}
