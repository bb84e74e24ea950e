using Serving.Sampling;

namespace Serving.Scheduler.Tests;

public class EngineCoreSoakTests
{
    private const int Eos = 5;

    private sealed record Submitted(string RequestId, int[] Prompt, int MaxTokens, int[] StopTokenIds, int N);

    [Fact]
    public void Step_ThousandsOfRandomArrivalsAbortsAndLengths_EveryTokenExactAndEveryBlockBack()
    {
        var rng = new Random(42);
        using var engine = new TestEngine(blockSize: 4, numBlocks: 24, maxNumBatchedTokens: 16, maxNumSeqs: 8, eosTokenIds: [Eos]);
        var sharedPrefixes = Enumerable.Range(0, 3).Select(p => TestRequests.Prompt(100 + p, 12)).ToArray();
        var submitted = new List<Submitted>();
        for (var action = 0; action < 6000; action++)
        {
            var dice = rng.Next(10);
            if (dice < 3 && submitted.Count < 2000)
            {
                submitted.Add(Submit(engine, rng, sharedPrefixes, $"r{submitted.Count}"));
            }
            else if (dice == 3 && submitted.Count > 0)
            {
                engine.Abort(submitted[rng.Next(submitted.Count)].RequestId);
            }
            else
            {
                engine.Step();
            }
        }

        engine.RunUntilIdle();

        var finishReasons = new Dictionary<FinishReason, int>();
        foreach (var request in submitted)
        {
            var choices = engine.DrainChoices(request.RequestId, request.N);
            Assert.True(engine.IsCompleted(request.RequestId), $"{request.RequestId}'s stream is still open");
            Assert.Contains(choices.Count(c => c.Count > 0), new[] { 1, request.N });
            foreach (var updates in choices.Where(c => c.Count > 0))
            {
                CheckChoice(request, updates, finishReasons);
            }
        }

        var stats = engine.Core.Stats;
        Assert.Equal(24, stats.NumFreeBlocks);
        Assert.Equal(0, engine.Core.NumUnfinished);
        Assert.Equal(0, engine.Core.Scheduler.NumUnfinished);
        Assert.True(stats.NumPreemptions > 50, $"only {stats.NumPreemptions} preemptions: the pool is meant to be tight");
        Assert.True(stats.NumPrefixCacheHitTokens > 1000, $"only {stats.NumPrefixCacheHitTokens} prefix-hit tokens");
        Assert.NotEmpty(engine.Runner.Copies);
        Assert.All(new[] { FinishReason.Stop, FinishReason.Length, FinishReason.Abort }, r => Assert.True(finishReasons.GetValueOrDefault(r) > 50, $"{r}: {finishReasons.GetValueOrDefault(r)}"));
    }

    private static void CheckChoice(Submitted request, List<RequestOutput> updates, Dictionary<FinishReason, int> finishReasons)
    {
        var reason = updates[^1].FinishReason ?? throw new Xunit.Sdk.XunitException($"{request.RequestId} has no finish reason");
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        finishReasons[reason] = finishReasons.GetValueOrDefault(reason) + 1;
        var tokens = updates.SelectMany(u => u.NewTokenIds).ToList();
        var oracle = FakeModelRunner.Generate(request.Prompt, request.MaxTokens, 97, [Eos, .. request.StopTokenIds]);
        if (reason == FinishReason.Abort)
        {
            Assert.Equal(oracle.Take(tokens.Count), tokens);
        }
        else
        {
            Assert.Equal(oracle, tokens);
        }
    }

    private static Submitted Submit(TestEngine engine, Random rng, int[][] sharedPrefixes, string requestId)
    {
        int[] prompt = rng.Next(2) == 0
            ? [.. sharedPrefixes[rng.Next(sharedPrefixes.Length)], .. RandomTokens(rng, rng.Next(0, 11))]
            : RandomTokens(rng, rng.Next(1, 31));
        var maxTokens = rng.Next(1, 21);
        int[] stopTokenIds = rng.Next(4) == 0 ? [rng.Next(1, 97)] : [];
        var n = rng.Next(5) == 0 ? rng.Next(2, 4) : 1;
        engine.Add(requestId, prompt, TestRequests.Greedy(maxTokens) with { StopTokenIds = stopTokenIds }, n);
        return new Submitted(requestId, prompt, maxTokens, stopTokenIds, n);
    }

    private static int[] RandomTokens(Random rng, int count) => [.. Enumerable.Range(0, count).Select(_ => rng.Next(1, 97))];
}
