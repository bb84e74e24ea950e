using Serving.Engine.Execution;

namespace Serving.Engine.Tests.Execution;

public class ModelRunnerTests
{
    private static readonly int[] PromptA = [1, 403, 407, 261, 378, 432, 383];
    private static readonly int[] PromptB = [1, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317];
    private static readonly int[] PromptC = [1, 410, 299];

    public static TheoryData<string> Models() => ["stories260K.gguf", "kq-llama-256d-q8_0.gguf", "qwen2-256d-q8_0.gguf"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_SequenceInsideBatch_LogitsBitIdenticalToAlone(string model)
    {
        using var alone = Open(model, KVCacheDataType.F16);
        using var batched = Open(model, KVCacheDataType.F16);
        var vocab = alone.VocabSize;

        // Step 1, alone: A's prompt in blocks 0..; logits of every row.
        var aloneLogits = new float[PromptA.Length * vocab];
        alone.Forward(ForwardBatch.ForSingleSequence(PromptA, 0, [0, 1], 16, lastLogitsOnly: false), aloneLogits);

        // Step 1, batched: B (prefill), A (prefill, other physical blocks), C (prefill); logits of every row.
        int[] tableA = [9, 4], tableB = [2, 7], tableC = [5];
        var step1 = Combine((PromptB, 0, tableB), (PromptA, 0, tableA), (PromptC, 0, tableC));
        var batchedLogits = new float[step1.NumTokens * vocab];
        batched.Forward(step1, batchedLogits);
        Assert.True(aloneLogits.AsSpan().SequenceEqual(batchedLogits.AsSpan(PromptB.Length * vocab, PromptA.Length * vocab)));

        // Step 2: A decodes one token; in the batch, next to B's decode and C's prefill chunk.
        int[] next = [Generator.ArgMax(aloneLogits.AsSpan((PromptA.Length - 1) * vocab, vocab))];
        var aloneDecode = new float[vocab];
        alone.Forward(ForwardBatch.ForSingleSequence(next, PromptA.Length, [0, 1], 16), aloneDecode);
        var step2 = Combine(([5], PromptB.Length, tableB), (next, PromptA.Length, tableA), ([300, 301, 302, 303], PromptC.Length, tableC));
        var batchedDecode = new float[step2.NumTokens * vocab];
        batched.Forward(step2, batchedDecode);
        Assert.True(aloneDecode.AsSpan().SequenceEqual(batchedDecode.AsSpan(vocab, vocab)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_PrefillInTwoChunks_LastLogitsBitIdenticalToOneChunk(string model)
    {
        using var whole = Open(model, KVCacheDataType.F32);
        using var chunked = Open(model, KVCacheDataType.F32);
        int[] table = [3, 1];
        var expected = new float[whole.VocabSize];
        var actual = new float[whole.VocabSize];

        whole.Forward(ForwardBatch.ForSingleSequence(PromptB, 0, table, 16), expected);
        chunked.Forward(ForwardBatch.ForSingleSequence(PromptB.AsSpan(0, 11), 0, table, 16), actual);
        chunked.Forward(ForwardBatch.ForSingleSequence(PromptB.AsSpan(11), 11, table, 16), actual);

        Assert.True(expected.AsSpan().SequenceEqual(actual));
    }

    [Fact]
    public void Forward_ChunkWithoutLogitsRows_FillsCacheForTheNextChunk()
    {
        using var whole = Open("stories260K.gguf", KVCacheDataType.F32);
        using var chunked = Open("stories260K.gguf", KVCacheDataType.F32);
        int[] table = [2, 5];
        var expected = new float[whole.VocabSize];
        var actual = new float[whole.VocabSize];
        whole.Forward(ForwardBatch.ForSingleSequence(PromptB, 0, table, 16), expected);

        var first = ForwardBatch.ForSingleSequence(PromptB.AsSpan(0, 10), 0, table, 16);
        chunked.Forward(new ForwardBatch
        {
            TokenIds = first.TokenIds,
            Positions = first.Positions,
            QueryStarts = first.QueryStarts,
            ContextLengths = first.ContextLengths,
            BlockTables = first.BlockTables,
            SlotMapping = first.SlotMapping,
            LogitsRows = [],
        }, []);
        chunked.Forward(ForwardBatch.ForSingleSequence(PromptB.AsSpan(10), 10, table, 16), actual);

        Assert.True(expected.AsSpan().SequenceEqual(actual));
    }

    [Fact]
    public void CopyBlock_SharedPrefixBlock_ContinuationMatchesOriginal()
    {
        using var runner = Open("stories260K.gguf", KVCacheDataType.F16);
        var vocab = runner.VocabSize;
        var prompt = PromptB.AsSpan(0, 16).ToArray(); // exactly one full block
        var logits = new float[vocab];
        runner.Forward(ForwardBatch.ForSingleSequence(prompt, 0, [6, 0], 16), logits);
        var original = new float[vocab];
        runner.Forward(ForwardBatch.ForSingleSequence([42], 16, [6, 0], 16), original);

        runner.CopyBlock(6, 11);
        var copy = new float[vocab];
        runner.Forward(ForwardBatch.ForSingleSequence([42], 16, [11, 3], 16), copy);

        Assert.True(original.AsSpan().SequenceEqual(copy));
    }

    [Fact]
    public void Forward_BlockIdOutsidePool_Throws()
    {
        using var runner = Open("stories260K.gguf", KVCacheDataType.F16);

        var e = Assert.Throws<ArgumentException>(() => runner.Forward(ForwardBatch.ForSingleSequence([1, 2], 0, [16], 16), new float[runner.VocabSize]));

        Assert.Contains("block id 16", e.Message, StringComparison.Ordinal);
    }

    private static ModelRunner Open(string model, KVCacheDataType dataType) =>
        ModelRunner.Open(SharedData.Model(model), new ModelRunnerOptions { NumBlocks = 16, KVCacheDataType = dataType, Threads = 2 });

    /// <summary>A batch of several sequences, each (new tokens, cached length, block table); logits for every row.</summary>
    private static ForwardBatch Combine(params (int[] Tokens, int Cached, int[] Table)[] seqs)
    {
        var parts = seqs.Select(s => ForwardBatch.ForSingleSequence(s.Tokens, s.Cached, s.Table, 16, lastLogitsOnly: false)).ToArray();
        var starts = new List<int> { 0 };
        foreach (var p in parts)
        {
            starts.Add(starts[^1] + p.NumTokens);
        }

        return new ForwardBatch
        {
            TokenIds = parts.SelectMany(p => p.TokenIds).ToArray(),
            Positions = parts.SelectMany(p => p.Positions).ToArray(),
            QueryStarts = starts.ToArray(),
            ContextLengths = parts.Select(p => p.ContextLengths[0]).ToArray(),
            BlockTables = parts.Select(p => p.BlockTables[0]).ToArray(),
            SlotMapping = parts.SelectMany(p => p.SlotMapping).ToArray(),
            LogitsRows = Enumerable.Range(0, starts[^1]).ToArray(),
        };
    }
}
