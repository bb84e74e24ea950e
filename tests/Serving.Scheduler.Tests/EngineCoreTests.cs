using Serving.Sampling;

namespace Serving.Scheduler.Tests;

public class EngineCoreTests
{
    [Fact]
    public void Step_SingleGreedyRequest_StreamsTheOracleTokensThenLength()
    {
        using var engine = new TestEngine();
        var prompt = TestRequests.Prompt(1, 10);
        engine.Add("a", prompt, maxTokens: 6);

        engine.RunUntilIdle();
        var updates = engine.Drain("a");

        Assert.Equal(FakeModelRunner.Generate(prompt, 6, 97), updates.SelectMany(u => u.NewTokenIds));
        Assert.Equal(6, updates.Count);
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        Assert.Equal(FinishReason.Length, updates[^1].FinishReason);
        Assert.Equal((10, 6), (updates[^1].NumPromptTokens, updates[^1].NumOutputTokens));
        Assert.True(engine.IsCompleted("a"));
        Assert.Equal(64, engine.Core.Stats.NumFreeBlocks);
    }

    [Fact]
    public void Step_SixteenConcurrentRequestsWithPreemption_EachGetsExactlyItsAloneTokens()
    {
        // 16 requests of 9..24 prompt tokens + 12 generated on 24 blocks of 4: far less than they need together.
        using var engine = new TestEngine(blockSize: 4, numBlocks: 24, maxNumBatchedTokens: 32);
        var prompts = Enumerable.Range(0, 16).Select(r => TestRequests.Prompt(r + 1, 9 + r)).ToArray();
        for (var r = 0; r < prompts.Length; r++)
        {
            engine.Add($"r{r}", prompts[r], maxTokens: 12);
        }

        engine.RunUntilIdle();

        for (var r = 0; r < prompts.Length; r++)
        {
            var updates = engine.Drain($"r{r}");
            Assert.Equal(FakeModelRunner.Generate(prompts[r], 12, 97), updates.SelectMany(u => u.NewTokenIds));
            Assert.Equal(FinishReason.Length, updates[^1].FinishReason);
        }

        Assert.True(engine.Core.Stats.NumPreemptions > 0, "the pool was meant to force preemption");
        Assert.Equal(24, engine.Core.Stats.NumFreeBlocks);
    }

    [Fact]
    public void Step_DecodesAndPrefillChunksShareTheBudget_NoStepExceedsIt()
    {
        using var engine = new TestEngine(maxNumBatchedTokens: 16);
        engine.Add("short", TestRequests.Prompt(1, 3), maxTokens: 10);
        engine.Step();
        engine.Add("long", TestRequests.Prompt(2, 40), maxTokens: 2);

        engine.RunUntilIdle();

        Assert.All(engine.Runner.Batches, b => Assert.True(b.NumTokens <= 16));
        // "long" prefills 15 + 15 + 10 beside one decode token of "short" per step, then both decode.
        Assert.Equal([3, 16, 16, 11, 2, 1, 1, 1, 1, 1], engine.Runner.Batches.Select(b => b.NumTokens));
        Assert.Equal(FakeModelRunner.Generate(TestRequests.Prompt(2, 40), 2, 97), engine.Drain("long").SelectMany(u => u.NewTokenIds));
    }

    [Fact]
    public void Step_AbortMidPrefill_BlocksReturnAtOnceAndTheStreamEndsWithAbort()
    {
        using var engine = new TestEngine(numBlocks: 32, maxNumBatchedTokens: 8);
        engine.Add("a", TestRequests.Prompt(1, 40));
        engine.Step();
        Assert.Equal(30, engine.Core.Scheduler.KVCacheManager.Pool.NumFreeBlocks);

        engine.Abort("a");
        engine.Step();
        var updates = engine.Drain("a");

        Assert.Equal(32, engine.Core.Scheduler.KVCacheManager.Pool.NumFreeBlocks);
        var final = Assert.Single(updates);
        Assert.Equal(FinishReason.Abort, final.FinishReason);
        Assert.Empty(final.NewTokenIds);
        Assert.True(engine.IsCompleted("a"));
    }

    [Fact]
    public void Step_AbortMidDecode_KeepsTokensSoFarAndFreesBlocks()
    {
        using var engine = new TestEngine(numBlocks: 32);
        var prompt = TestRequests.Prompt(1, 5);
        engine.Add("a", prompt, maxTokens: 50);
        engine.Add("b", TestRequests.Prompt(2, 5), maxTokens: 3);
        for (var i = 0; i < 3; i++)
        {
            engine.Step();
        }

        engine.Abort("a");
        engine.RunUntilIdle();
        var tokens = engine.Drain("a");

        Assert.Equal(FakeModelRunner.Generate(prompt, 3, 97), tokens.SelectMany(u => u.NewTokenIds));
        Assert.Equal(FinishReason.Abort, tokens[^1].FinishReason);
        Assert.Equal(32, engine.Core.Scheduler.KVCacheManager.Pool.NumFreeBlocks);
    }

    [Fact]
    public void Step_EosAndStopTokenIds_FinishWithStopUnlessIgnoredOrBeforeMinTokens()
    {
        var prompt = TestRequests.Prompt(3, 6);
        var oracle = FakeModelRunner.Generate(prompt, 10, 97);
        using var engine = new TestEngine(eosTokenIds: [oracle[2]]);
        engine.Add("eos", prompt, TestRequests.Greedy(10));
        engine.Add("stop-id", prompt, TestRequests.Greedy(10) with { StopTokenIds = [oracle[1]] });
        engine.Add("ignore-eos", prompt, TestRequests.Greedy(10) with { IgnoreEos = true });

        engine.RunUntilIdle();

        Assert.Equal(oracle[..3], engine.Drain("eos").SelectMany(u => u.NewTokenIds));
        Assert.Equal(oracle[..2], engine.Drain("stop-id").Let(u => Assert.Equal(FinishReason.Stop, u[^1].FinishReason)).SelectMany(u => u.NewTokenIds));
        Assert.Equal(oracle, engine.Drain("ignore-eos").SelectMany(u => u.NewTokenIds));
    }

    [Fact]
    public void Step_FullPromptPrefixHit_CopiesTheSharedLastBlockAndComputesOneToken()
    {
        using var engine = new TestEngine(blockSize: 4, numBlocks: 16);
        var prompt = TestRequests.Prompt(4, 8);
        engine.Add("first", prompt, maxTokens: 1);
        engine.RunUntilIdle();

        engine.Add("second", prompt, maxTokens: 3);
        engine.Step();

        // "first" left blocks 0,1 cached; "second" hits both, copies block 1 into a fresh block, computes position 7 only.
        Assert.Equal(1, engine.Runner.Batches[^1].NumTokens);
        Assert.Equal([7], engine.Runner.Batches[^1].Positions);
        Assert.Equal([(1, 2)], engine.Runner.Copies);
        Assert.Equal([[0, 2]], engine.Runner.Batches[^1].BlockTables);
        engine.RunUntilIdle();
        var updates = engine.Drain("second");
        Assert.Equal(FakeModelRunner.Generate(prompt, 3, 97), updates.SelectMany(u => u.NewTokenIds));
        Assert.Equal(7, updates[^1].NumCachedTokens);
    }

    [Fact]
    public void Step_PrefixCachingOnOrOff_GivesTheSameTokens()
    {
        var prefix = TestRequests.Prompt(5, 24);
        var prompts = Enumerable.Range(0, 6).Select(r => (IReadOnlyList<int>)[.. prefix, .. TestRequests.Prompt(r + 10, r * 3)]).ToArray();
        List<int>[] Run(bool enablePrefixCaching)
        {
            using var engine = new TestEngine(blockSize: 4, numBlocks: 40, maxNumBatchedTokens: 20, enablePrefixCaching: enablePrefixCaching);
            for (var r = 0; r < prompts.Length; r++)
            {
                engine.Add($"r{r}", prompts[r], maxTokens: 7);
                engine.Step();
            }

            engine.RunUntilIdle();
            Assert.Equal(enablePrefixCaching, engine.Core.Stats.NumPrefixCacheHitTokens > 0);
            return [.. prompts.Select((_, r) => engine.Drain($"r{r}").SelectMany(u => u.NewTokenIds).ToList())];
        }

        var cached = Run(enablePrefixCaching: true);
        var uncached = Run(enablePrefixCaching: false);

        Assert.Equal(uncached, cached);
        Assert.Equal(FakeModelRunner.Generate(prompts[5], 7, 97), cached[5]);
    }

    [Fact]
    public void Step_SeededSampledRequests_SameTokensAloneAndBatched()
    {
        var sampled = TestRequests.Greedy(10) with { Temperature = 1f, TopP = 0.9f, Seed = 1234 };
        List<int> Alone(int r)
        {
            using var engine = new TestEngine();
            engine.Add("x", TestRequests.Prompt(r, 7 + r), sampled with { Seed = 1000 + r });
            engine.RunUntilIdle();
            return [.. engine.Drain("x").SelectMany(u => u.NewTokenIds)];
        }

        using var batched = new TestEngine(numBlocks: 20, maxNumBatchedTokens: 16);
        for (var r = 0; r < 5; r++)
        {
            batched.Add($"r{r}", TestRequests.Prompt(r, 7 + r), sampled with { Seed = 1000 + r });
        }

        batched.RunUntilIdle();

        for (var r = 0; r < 5; r++)
        {
            Assert.Equal(Alone(r), batched.Drain($"r{r}").SelectMany(u => u.NewTokenIds));
        }

        Assert.NotEqual(Alone(0), Alone(1));
    }

    [Fact]
    public void Step_WithFakeClock_ReportsQueueTimeTimeToFirstTokenAndInterTokenTimes()
    {
        using var engine = new TestEngine(maxNumSeqs: 1);
        engine.Add("a", TestRequests.Prompt(1, 4), maxTokens: 2);
        engine.Add("b", TestRequests.Prompt(2, 4), maxTokens: 2);
        engine.Time.Advance(TimeSpan.FromMilliseconds(10));
        engine.Step();                                          // a: prefill, first token at 10 ms
        engine.Time.Advance(TimeSpan.FromMilliseconds(5));
        engine.Step();                                          // a: second token at 15 ms, finished
        engine.Time.Advance(TimeSpan.FromMilliseconds(20));
        engine.Step();                                          // b: scheduled at 35 ms, first token

        var a = engine.Drain("a");
        var b = engine.Drain("b");

        Assert.Null(a[0].InterTokenTime);
        Assert.Equal(TimeSpan.FromMilliseconds(5), a[1].InterTokenTime);
        Assert.Equal(new RequestTimings(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(15), 0), a[1].Timings);
        Assert.Single(b);
        engine.RunUntilIdle();
        Assert.Equal(TimeSpan.FromMilliseconds(35), engine.Drain("b")[^1].Timings!.QueueTime);
    }

    [Fact]
    public void Step_LogprobsAsked_EachUpdateCarriesTheSampledTokensLogprob()
    {
        using var engine = new TestEngine();
        engine.Add("lp", TestRequests.Prompt(1, 4), TestRequests.Greedy(3) with { Logprobs = 2 });
        engine.Add("plain", TestRequests.Prompt(1, 4), TestRequests.Greedy(3));

        engine.RunUntilIdle();

        Assert.All(engine.Drain("lp"), u => Assert.Equal(u.NewTokenIds, u.Logprobs!.Select(l => l.TokenId)));
        Assert.All(engine.Drain("plain"), u => Assert.Null(u.Logprobs));
    }

    [Fact]
    public void Step_DuplicateRequestId_FailsTheSecondStreamOnly()
    {
        using var engine = new TestEngine();
        engine.Add("a", TestRequests.Prompt(1, 4), maxTokens: 2);
        var duplicate = System.Threading.Channels.Channel.CreateUnbounded<RequestOutput>();
        engine.Core.Post(new AddRequestCommand(TestRequests.Create("a", 3), duplicate.Writer));

        engine.RunUntilIdle();

        Assert.IsType<InvalidOperationException>(duplicate.Reader.Completion.Exception?.InnerException);
        Assert.Equal(FinishReason.Length, engine.Drain("a")[^1].FinishReason);
        Assert.Equal(0, engine.Core.NumUnfinished);
    }
}
