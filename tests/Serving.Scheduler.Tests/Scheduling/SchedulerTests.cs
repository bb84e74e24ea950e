using Serving.Sampling;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Tests.Scheduling;

public class SchedulerTests
{
    [Fact]
    public void Schedule_ThreePrompts_AdmitsInArrivalOrderAndChunksTheOneThatOverflowsTheBudget()
    {
        var scheduler = TestScheduler.Create(numBlocks: 20, maxNumBatchedTokens: 100);
        foreach (var request in TestRequests.Create(3, 40))
        {
            scheduler.AddRequest(request);
        }

        var step1 = scheduler.Schedule();
        scheduler.Complete(step1);
        var step2 = scheduler.Schedule();

        Assert.Equal(["r0", "r1", "r2"], step1.ScheduledSequences.Select(s => s.RequestId));
        Assert.Equal([40, 40, 20], step1.ScheduledSequences.Select(s => s.NumScheduledTokens));
        Assert.Equal([true, true, false], step1.ScheduledSequences.Select(s => s.SamplesToken));
        Assert.Equal(100, step1.NumScheduledTokens);
        Assert.Equal(["r0", "r1", "r2"], step2.ScheduledSequences.Select(s => s.RequestId));
        Assert.Equal([1, 1, 20], step2.ScheduledSequences.Select(s => s.NumScheduledTokens));
        Assert.Equal([40, 40, 20], step2.ScheduledSequences.Select(s => s.NumComputedTokens));
        Assert.True(step2.ScheduledSequences[2].SamplesToken);
    }

    [Fact]
    public void Schedule_LongPrompt_IsSplitIntoBudgetSizedChunksWhileDecodesKeepGoing()
    {
        var scheduler = TestScheduler.Create(numBlocks: 20, maxNumBatchedTokens: 32);
        var requests = TestRequests.Create(2, 10);
        requests[1] = TestRequests.Create("long", 100, seed: 9);
        scheduler.AddRequest(requests[0]);
        scheduler.AddRequest(requests[1]);

        var plans = new List<Dictionary<string, int>>();
        for (var step = 0; step < 5; step++)
        {
            var output = scheduler.Schedule();
            plans.Add(output.TokensByRequest());
            scheduler.Complete(output);
        }

        Assert.Equal(new Dictionary<string, int> { ["r0"] = 10, ["long"] = 22 }, plans[0]);
        Assert.Equal(new Dictionary<string, int> { ["r0"] = 1, ["long"] = 31 }, plans[1]);
        Assert.Equal(new Dictionary<string, int> { ["r0"] = 1, ["long"] = 31 }, plans[2]);
        Assert.Equal(new Dictionary<string, int> { ["r0"] = 1, ["long"] = 16 }, plans[3]);
        Assert.Equal(new Dictionary<string, int> { ["r0"] = 1, ["long"] = 1 }, plans[4]);
        Assert.Equal(2, requests[1].NumOutputTokens);
    }

    [Fact]
    public void Schedule_MaxNumSeqsReached_LeavesTheRestWaiting()
    {
        var scheduler = TestScheduler.Create(numBlocks: 20, maxNumSeqs: 2);
        foreach (var request in TestRequests.Create(3, 8))
        {
            scheduler.AddRequest(request);
        }

        var output = scheduler.Schedule();

        Assert.Equal(["r0", "r1"], output.ScheduledSequences.Select(s => s.RequestId));
        Assert.Equal(1, scheduler.NumWaiting);
    }

    [Fact]
    public void Schedule_PoolRunsDry_PreemptsNewestAndResumesItByRecomputingItsTokens()
    {
        // 4 blocks of 4 slots; two 6-token prompts take all of them, and the fourth decode of r0 needs a fifth block.
        var scheduler = TestScheduler.Create(blockSize: 4, numBlocks: 4, enablePrefixCaching: false);
        var requests = TestRequests.Create(2, 6, maxTokens: 5);
        scheduler.AddRequest(requests[0]);
        scheduler.AddRequest(requests[1]);
        for (var step = 0; step < 3; step++)
        {
            Assert.Empty(scheduler.Schedule().Let(o => scheduler.Complete(o, tokenId: 50 + step)).PreemptedRequestIds);
        }

        var preempting = scheduler.Schedule();
        scheduler.Complete(preempting, tokenId: 53);

        Assert.Equal(["r1"], preempting.PreemptedRequestIds);
        Assert.Equal(["r0"], preempting.ScheduledSequences.Select(s => s.RequestId));
        Assert.Equal([0, 1, 3], scheduler.KVCacheManager.GetBlockIds("r0"));
        Assert.Equal(RequestStatus.Preempted, requests[1].Status);
        Assert.Equal(0, requests[1].NumComputedTokens);
        Assert.Equal([50, 51, 52], requests[1].OutputTokenIds.ToArray());
        Assert.Equal(1, scheduler.NumPreemptions);

        // r1 cannot come back while r0 holds 3 of 4 blocks and may need the fourth.
        var finished = new List<Request>();
        while (!requests[0].IsFinished)
        {
            var output = scheduler.Schedule();
            Assert.Equal(["r0"], output.ScheduledSequences.Select(s => s.RequestId));
            finished.AddRange(scheduler.Complete(output, tokenId: 60));
        }

        var resumed = scheduler.Schedule();

        Assert.Equal([requests[0]], finished);
        Assert.Equal(FinishReason.Length, requests[0].FinishReason);
        Assert.Equal([50, 51, 52, 53, 60], requests[0].OutputTokenIds.ToArray());
        Assert.Equal(["r1"], resumed.ScheduledSequences.Select(s => s.RequestId));
        Assert.Equal(9, resumed.ScheduledSequences[0].NumScheduledTokens);
        Assert.True(resumed.ScheduledSequences[0].SamplesToken);
    }

    [Fact]
    public void Schedule_AfterPreemption_AdmitsNoNewRequestThatStep()
    {
        var scheduler = TestScheduler.Create(blockSize: 4, numBlocks: 4);
        var requests = TestRequests.Create(3, 6, maxTokens: 5);
        scheduler.AddRequest(requests[0]);
        scheduler.AddRequest(requests[1]);
        for (var step = 0; step < 3; step++)
        {
            scheduler.Complete(scheduler.Schedule());
        }

        scheduler.AddRequest(TestRequests.Create("tiny", 1, maxTokens: 1, seed: 7));
        var output = scheduler.Schedule();

        Assert.Equal(["r1"], output.PreemptedRequestIds);
        Assert.DoesNotContain(output.ScheduledSequences, s => s.RequestId == "tiny");
        Assert.Equal(["r1", "tiny"], scheduler.Waiting.Select(r => r.RequestId));
    }

    [Fact]
    public void FinishRequest_MidPrefill_ReturnsBlocksAtOnceAndDropsItFromThePlan()
    {
        var scheduler = TestScheduler.Create(numBlocks: 10, maxNumBatchedTokens: 32);
        var request = TestRequests.Create("a", 100);
        scheduler.AddRequest(request);
        scheduler.Complete(scheduler.Schedule());
        Assert.Equal(8, scheduler.KVCacheManager.Pool.NumFreeBlocks);

        var aborted = scheduler.FinishRequest("a", FinishReason.Abort);

        Assert.Same(request, aborted);
        Assert.Equal(FinishReason.Abort, request.FinishReason);
        Assert.Equal(10, scheduler.KVCacheManager.Pool.NumFreeBlocks);
        Assert.True(scheduler.Schedule().IsEmpty);
        Assert.Null(scheduler.FinishRequest("a", FinishReason.Abort));
        scheduler.AssertInvariants();
    }

    [Fact]
    public void FinishRequest_MidDecode_ReturnsBlocksAtOnce()
    {
        var scheduler = TestScheduler.Create(numBlocks: 10);
        var requests = TestRequests.Create(2, 20);
        scheduler.AddRequest(requests[0]);
        scheduler.AddRequest(requests[1]);
        scheduler.Complete(scheduler.Schedule());
        scheduler.Complete(scheduler.Schedule());

        scheduler.FinishRequest("r0", FinishReason.Stop);
        var output = scheduler.Schedule();

        Assert.Equal(8, scheduler.KVCacheManager.Pool.NumFreeBlocks);
        Assert.Equal(["r1"], output.ScheduledSequences.Select(s => s.RequestId));
        scheduler.AssertInvariants();
    }

    [Fact]
    public void FinishRequest_Waiting_RemovesItFromTheQueue()
    {
        var scheduler = TestScheduler.Create(numBlocks: 10, maxNumSeqs: 1);
        var requests = TestRequests.Create(2, 4);
        scheduler.AddRequest(requests[0]);
        scheduler.AddRequest(requests[1]);
        scheduler.Complete(scheduler.Schedule());

        scheduler.FinishRequest("r1", FinishReason.Abort);

        Assert.Equal(0, scheduler.NumWaiting);
        Assert.Equal(1, scheduler.NumUnfinished);
        scheduler.AssertInvariants();
    }

    [Fact]
    public void Schedule_SecondRequestSharesA256TokenPrefix_ComputesOnlyItsSuffix()
    {
        var scheduler = TestScheduler.Create(blockSize: 16, numBlocks: 40);
        var prefix = TestRequests.Prompt(0, 256);
        scheduler.AddRequest(TestRequests.FromTokens("a", [.. prefix, .. TestRequests.Prompt(1, 10)]));
        scheduler.Complete(scheduler.Schedule());
        scheduler.AddRequest(TestRequests.FromTokens("b", [.. prefix, .. TestRequests.Prompt(2, 20)]));

        var output = scheduler.Schedule();
        var b = output.ScheduledSequences.Single(s => s.RequestId == "b");

        Assert.Equal(256, b.NumComputedTokens);
        Assert.Equal(20, b.NumScheduledTokens);
        Assert.Equal(256, b.Request.NumCachedTokens);
        Assert.Equal([.. Enumerable.Range(0, 16), 17, 18], scheduler.KVCacheManager.GetBlockIds("b"));
        Assert.All(Enumerable.Range(0, 16), id => Assert.Equal(2, scheduler.KVCacheManager.Pool[id].RefCount));
        Assert.Equal(266 + 276, scheduler.KVCacheManager.NumPrefixQueryTokens);
        Assert.Equal(256, scheduler.KVCacheManager.NumPrefixHitTokens);
        scheduler.AssertInvariants();
    }

    [Fact]
    public void Schedule_PreemptedRequestWithCachedPrefix_ResumesFromTheCache()
    {
        var scheduler = TestScheduler.Create(blockSize: 4, numBlocks: 4);
        var requests = TestRequests.Create(2, 6, maxTokens: 5);
        scheduler.AddRequest(requests[0]);
        scheduler.AddRequest(requests[1]);
        for (var step = 0; step < 4; step++)
        {
            scheduler.Complete(scheduler.Schedule());
        }

        scheduler.FinishRequest("r0", FinishReason.Abort);
        var resumed = scheduler.Schedule().ScheduledSequences.Single();

        // r1's first block (4 prompt tokens) was cached before preemption and is still in the pool.
        Assert.Equal("r1", resumed.RequestId);
        Assert.Equal(4, resumed.NumComputedTokens);
        Assert.Equal(5, resumed.NumScheduledTokens);
        Assert.Equal(0, resumed.Request.NumCachedTokens);
    }

    [Theory]
    [InlineData(10, 6, 16, true)]
    [InlineData(10, 7, 16, false)]
    [InlineData(60, 5, 0, true)]
    [InlineData(60, 6, 0, false)]
    [InlineData(0, 1, 0, false)]
    public void Check_PromptPlusMaxTokens_RejectsWhatCanNeverFitUpFront(int numPromptTokens, int maxTokens, int maxModelLen, bool fits)
    {
        // 4 blocks of 16 = 64 slots; the last generated token never needs one, so 60 + 5 fits and 60 + 6 does not.
        var scheduler = TestScheduler.Create(blockSize: 16, numBlocks: 4, maxModelLen: maxModelLen);

        var error = scheduler.Limits.Check(numPromptTokens, maxTokens);

        Assert.Equal(fits, error is null);
    }
}
