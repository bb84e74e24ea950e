using System.Text.Json;
using Serving.Engine.Execution;
using Serving.Engine.Tests;

namespace Serving.Scheduler.Tests;

/// <summary>The scheduler driving the real CPU <see cref="ModelRunner"/> on stories260K: batching, chunked prefill,
/// preemption and prefix caching must not change a single token.</summary>
public class EngineCoreModelTests
{
    private const int ContextLength = 512;

    [Theory]
    [InlineData(64)]
    [InlineData(20)]
    public void Step_SixteenConcurrentGreedyRequestsF32_MatchLlamaCppOracle(int numBlocks)
    {
        // 64 blocks hold every request at once; 20 blocks (320 slots for ~930 tokens) force preemption and recompute.
        var cases = OracleCases().Take(16).ToArray();
        using var engine = Engine(numBlocks, KVCacheDataType.F32, maxNumBatchedTokens: 64);
        foreach (var (id, prompt, expected) in cases)
        {
            engine.Add(id, prompt, TestRequests.Greedy(expected.Length) with { IgnoreEos = true });
        }

        engine.RunUntilIdle();

        foreach (var (id, _, expected) in cases)
        {
            Assert.Equal(expected, engine.Tokens(id));
        }

        Assert.Equal(numBlocks < 64, engine.Core.Stats.NumPreemptions > 0);
    }

    [Fact]
    public void Step_SixteenConcurrentGreedyRequestsF16_SameTokensAsEachAlone()
    {
        var cases = OracleCases().Skip(5).Take(16).ToArray();
        using var batched = Engine(64, KVCacheDataType.F16, maxNumBatchedTokens: 48);
        foreach (var (id, prompt, _) in cases)
        {
            batched.Add(id, prompt, TestRequests.Greedy(32) with { IgnoreEos = true });
        }

        batched.RunUntilIdle();

        foreach (var (id, prompt, _) in cases)
        {
            using var alone = Engine(8, KVCacheDataType.F16);
            alone.Add(id, prompt, TestRequests.Greedy(32) with { IgnoreEos = true });
            alone.RunUntilIdle();
            Assert.Equal(alone.Tokens(id), batched.Tokens(id));
        }
    }

    [Fact]
    public void Step_SeededSampledRequests_SameTokensAloneAndBatched()
    {
        var cases = OracleCases().Take(8).ToArray();
        var parameters = TestRequests.Greedy(40) with { Temperature = 0.9f, TopP = 0.95f, TopK = 40, IgnoreEos = true };
        using var batched = Engine(64, KVCacheDataType.F32, maxNumBatchedTokens: 32);
        for (var i = 0; i < cases.Length; i++)
        {
            batched.Add(cases[i].Id, cases[i].Prompt, parameters with { Seed = 7 + i });
        }

        batched.RunUntilIdle();

        for (var i = 0; i < cases.Length; i++)
        {
            using var alone = Engine(8, KVCacheDataType.F32);
            alone.Add(cases[i].Id, cases[i].Prompt, parameters with { Seed = 7 + i });
            alone.RunUntilIdle();
            Assert.Equal(alone.Tokens(cases[i].Id), batched.Tokens(cases[i].Id));
        }
    }

    [Fact]
    public void Step_SharedPromptPrefixes_PrefixCacheOnOrOffGivesTheSameTokens()
    {
        // A 64-token shared prefix (an oracle prompt and its continuation), then each case's prompt without BOS.
        var cases = OracleCases().ToArray();
        int[] prefix = [.. cases[18].Prompt, .. cases[18].Expected];
        var prompts = cases.Take(6).Select(c => (c.Id, Prompt: (int[])[.. prefix, .. c.Prompt[1..]])).ToArray();
        List<int>[] Run(bool enablePrefixCaching, out long hitTokens)
        {
            using var engine = Engine(48, KVCacheDataType.F32, maxNumBatchedTokens: 64, enablePrefixCaching);
            foreach (var (id, prompt) in prompts)
            {
                engine.Add(id, prompt, TestRequests.Greedy(24) with { IgnoreEos = true });
                engine.Step();
            }

            engine.RunUntilIdle();
            hitTokens = engine.Core.Stats.NumPrefixCacheHitTokens;
            return [.. prompts.Select(p => engine.Tokens(p.Id))];
        }

        var cached = Run(enablePrefixCaching: true, out var hits);
        var uncached = Run(enablePrefixCaching: false, out _);

        Assert.Equal(uncached, cached);
        Assert.True(hits >= 5 * 64, $"{hits} prefix-hit tokens");
    }

    private static TestEngine Engine(int numBlocks, KVCacheDataType kvCacheDataType, int maxNumBatchedTokens = 2048, bool enablePrefixCaching = true)
    {
        var runner = ModelRunner.Open(
            SharedData.Model("stories260K.gguf"),
            new ModelRunnerOptions { NumBlocks = numBlocks, BlockSize = 16, KVCacheDataType = kvCacheDataType, Threads = 2 });
        var options = TestScheduler.Options(maxNumBatchedTokens, enablePrefixCaching: enablePrefixCaching, maxModelLen: ContextLength);
        return new TestEngine(runner, options, [2]);
    }

    private static IEnumerable<(string Id, int[] Prompt, int[] Expected)> OracleCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData("greedy.stories260K.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray().ToArray())
        {
            yield return (
                c.GetProperty("id").GetString() ?? string.Empty,
                [.. c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32())],
                [.. c.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32())]);
        }
    }
}
