using Serving.Sampling;

namespace Serving.Scheduler.Tests;

/// <summary>n &gt; 1: choices forked from one prompt, sharing its KV blocks.</summary>
public class EngineCoreChoicesTests
{
    [Fact]
    public void Step_ThreeGreedyChoices_ShareThePromptBlocksAndCopyOnlyThePartialOne()
    {
        using var engine = new TestEngine(blockSize: 4, numBlocks: 16);
        var prompt = TestRequests.Prompt(1, 6);
        engine.Add("a", prompt, TestRequests.Greedy(5), n: 3);

        engine.Step();
        var pool = engine.Core.Scheduler.KVCacheManager.Pool;
        var afterPrefill = (pool[0].RefCount, pool[1].RefCount, pool.NumFreeBlocks);
        engine.Step();

        // Prompt blocks 0 (full) and 1 (2 of 4 slots) are held by all three; the first decode writes position 6 into
        // block 1, so the first two writers copy it and the last one keeps it.
        Assert.Equal((3, 3, 14), afterPrefill);
        Assert.Equal([(1, 2), (1, 3)], engine.Runner.Copies);
        Assert.Equal(3, pool[0].RefCount);
        engine.RunUntilIdle();
        var choices = engine.DrainChoices("a", 3);
        var oracle = FakeModelRunner.Generate(prompt, 5, 97);
        Assert.All(choices, c => Assert.Equal(oracle, c.SelectMany(u => u.NewTokenIds)));
        Assert.All(choices, c => Assert.Equal(FinishReason.Length, c[^1].FinishReason));
        Assert.True(engine.IsCompleted("a"));
        Assert.Equal(16, pool.NumFreeBlocks);
    }

    [Fact]
    public void Step_SeededSampledChoices_ChoiceIEqualsSeedPlusIAlone()
    {
        var parameters = TestRequests.Greedy(8) with { Temperature = 1f, Seed = 500 };
        var prompt = TestRequests.Prompt(2, 9);
        using var engine = new TestEngine();
        engine.Add("a", prompt, parameters, n: 3);
        engine.RunUntilIdle();
        var choices = engine.DrainChoices("a", 3).Select(c => c.SelectMany(u => u.NewTokenIds).ToList()).ToArray();

        for (var i = 0; i < 3; i++)
        {
            using var alone = new TestEngine();
            alone.Add("x", prompt, parameters with { Seed = 500 + i });
            alone.RunUntilIdle();
            Assert.Equal(alone.Tokens("x"), choices[i]);
        }

        Assert.NotEqual(choices[0], choices[1]);
    }

    [Fact]
    public void Step_AbortRequestWithChoices_EndsEveryChoiceAndFreesAllBlocks()
    {
        using var engine = new TestEngine(blockSize: 4, numBlocks: 16);
        engine.Add("a", TestRequests.Prompt(1, 6), TestRequests.Greedy(50), n: 2);
        engine.Step();
        engine.Step();

        engine.Abort("a");
        engine.Step();

        var choices = engine.DrainChoices("a", 2);
        Assert.All(choices, c => Assert.Equal(FinishReason.Abort, c[^1].FinishReason));
        Assert.True(engine.IsCompleted("a"));
        Assert.Equal(16, engine.Core.Scheduler.KVCacheManager.Pool.NumFreeBlocks);
        Assert.Equal(0, engine.Core.NumUnfinished);
    }

    [Fact]
    public void Step_AbortBeforeThePromptCompletes_NeverForksAndCompletesTheStream()
    {
        using var engine = new TestEngine(maxNumBatchedTokens: 4);
        engine.Add("a", TestRequests.Prompt(1, 12), TestRequests.Greedy(3), n: 4);
        engine.Step();

        engine.Abort("a");
        engine.RunUntilIdle();

        var final = Assert.Single(engine.Drain("a"));
        Assert.Equal((0, FinishReason.Abort), (final.Index, final.FinishReason));
        Assert.True(engine.IsCompleted("a"));
    }

    [Fact]
    public void Step_OneTokenChoices_EachFinishesOnItsForkStep()
    {
        using var engine = new TestEngine();
        var prompt = TestRequests.Prompt(3, 5);
        engine.Add("a", prompt, TestRequests.Greedy(1), n: 3);

        Assert.True(engine.Step());
        Assert.False(engine.Step());

        var choices = engine.DrainChoices("a", 3);
        Assert.All(choices, c => Assert.Equal(FakeModelRunner.Generate(prompt, 1, 97), Assert.Single(c).NewTokenIds));
        Assert.True(engine.IsCompleted("a"));
        Assert.Equal(64, engine.Core.Scheduler.KVCacheManager.Pool.NumFreeBlocks);
    }
}
