using Serving.Engine.Execution;

namespace Serving.Engine.Tests.Execution;

public class GeneratorTests
{
    private static readonly int[] OnceUponATime = [1, 403, 407, 261, 378];

    [Fact]
    public void ArgMax_Ties_LowestIndex()
    {
        Assert.Equal(1, Generator.ArgMax([0.5f, 3f, -1f, 3f]));
    }

    [Fact]
    public void GenerateGreedy_StopTokenSecond_ReturnsTokensBeforeIt()
    {
        using var runner = Open(numBlocks: 4);

        // The oracle's continuation starts 432, 383, 286 (greedy.stories260K.json, gen-once-upon).
        var generated = new Generator(runner).GenerateGreedy(OnceUponATime, 10, [383]);

        Assert.Equal([432], generated);
    }

    [Fact]
    public void GenerateGreedy_CacheFull_StopsAtCapacity()
    {
        using var runner = Open(numBlocks: 1);
        var generator = new Generator(runner);

        var generated = generator.GenerateGreedy(OnceUponATime, 100);

        Assert.Equal(16 - OnceUponATime.Length + 1, generated.Count);
        Assert.Equal(16, generator.Length);
    }

    [Fact]
    public void Append_BeyondCapacity_Throws()
    {
        using var runner = Open(numBlocks: 1);
        var generator = new Generator(runner);
        generator.Append(new int[16]);

        Assert.Throws<InvalidOperationException>(() => generator.Append([1]));
    }

    [Fact]
    public void Append_PromptLongerThanOneChunk_SameLogitsAsTokenByToken()
    {
        using var runner = Open(numBlocks: 40);
        var generator = new Generator(runner);
        var prompt = Enumerable.Range(0, Generator.MaxChunkTokens + 20).Select(i => 3 + (i * 37 % 500)).ToArray();
        var chunked = generator.Append(prompt).ToArray();

        generator.Reset();
        generator.Append(prompt.AsSpan(0, prompt.Length - 1));
        var last = generator.Append(prompt.AsSpan(prompt.Length - 1)).ToArray();

        Assert.Equal(chunked, last);
    }

    [Fact]
    public void Append_DecodeSteps_MatchOneBatchOverTheSameTokens()
    {
        using var runner = Open(numBlocks: 4);
        var generator = new Generator(runner);
        int[] tokens = [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396];
        var whole = generator.Append(tokens).ToArray();

        generator.Reset();
        float[] stepwise = [];
        foreach (var token in tokens)
        {
            stepwise = generator.Append([token]).ToArray();
        }

        Assert.Equal(whole, stepwise);
        Assert.Equal(tokens.Length, generator.Length);
    }

    [Fact]
    public void Append_DecodeStepAfterWarmUp_AllocatesNothingOnTheCallingThread()
    {
        using var runner = ModelRunner.Open(SharedData.Model("kq-llama-256d-q8_0.gguf"), new ModelRunnerOptions { NumBlocks = 4, Threads = 2 });
        var generator = new Generator(runner);
        generator.Append([1, 2, 3]);
        generator.Append([4]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        generator.Append([5]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("bpe-llama3-tiny-random.gguf")]
    [InlineData("bpe-qwen2-tiny-random.gguf")]
    public void GenerateGreedy_ByteLevelBpeModels_LoadAndRun(string model)
    {
        using var runner = ModelRunner.Open(SharedData.Model(model), new ModelRunnerOptions { NumBlocks = 2, Threads = 2 });
        var generator = new Generator(runner);

        var generated = generator.GenerateGreedy([100, 200, 300], 8);

        Assert.Equal(8, generated.Count);
        Assert.All(generated, id => Assert.InRange(id, 0, runner.VocabSize - 1));
    }

    private static ModelRunner Open(int numBlocks) =>
        ModelRunner.Open(SharedData.Model("stories260K.gguf"), new ModelRunnerOptions { NumBlocks = numBlocks, KVCacheDataType = KVCacheDataType.F32, Threads = 2 });
}
