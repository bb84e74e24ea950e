using Serving.Engine.Execution;

namespace Serving.Scheduler.Tests;

/// <summary>A deterministic stand-in for the model (STYLE Q3). It keeps a fake paged KV cache of (token, position) per slot,
/// writes each row there through the batch's slot mapping, and reads every sampled row's context back through its block
/// table, so a wrong slot, block table or missing copy-on-write changes the tokens. The next token is a pure function of
/// the context (<see cref="NextToken"/>); its logit is the largest by a margin, over pseudo-random others, so greedy
/// sampling picks it and seeded sampling has a real distribution. Records every batch and block copy.</summary>
internal sealed class FakeModelRunner(int vocabSize = 97, int blockSize = 4, int numBlocks = 64) : IModelRunner
{
    private readonly (int TokenId, int Position)[] _cache = Enumerable.Repeat((-1, -1), numBlocks * blockSize).ToArray();

    public int VocabSize { get; } = vocabSize;

    public int BlockSize { get; } = blockSize;

    public int NumBlocks { get; } = numBlocks;

    public List<ForwardBatch> Batches { get; } = [];

    public List<(int Source, int Destination)> Copies { get; } = [];

    /// <summary>When set, each Forward first takes one permit, so a threaded test decides how far the engine gets.</summary>
    public SemaphoreSlim? Gate { get; init; }

    /// <summary>Set to make the next Forward throw (engine-failure tests).</summary>
    public Exception? FailNextForward { get; set; }

    /// <summary>Greedy continuation of <paramref name="context"/>: never 0, which tests keep free.</summary>
    public static int NextToken(ReadOnlySpan<int> context, int vocabSize)
    {
        ulong h = 1469598103934665603UL;
        for (var i = 0; i < context.Length; i++)
        {
            h = (h ^ (ulong)(context[i] + (i * 131))) * 1099511628211UL;
        }

        return 1 + (int)((h >> 17) % (ulong)(vocabSize - 1));
    }

    /// <summary>What a request generates alone under greedy sampling: the oracle the engine must reproduce.</summary>
    public static List<int> Generate(IReadOnlyList<int> prompt, int maxTokens, int vocabSize, IReadOnlyList<int>? stopTokenIds = null)
    {
        var tokens = prompt.ToList();
        var output = new List<int>();
        while (output.Count < maxTokens)
        {
            var next = NextToken(tokens.ToArray(), vocabSize);
            tokens.Add(next);
            output.Add(next);
            if (stopTokenIds?.Contains(next) == true)
            {
                break;
            }
        }

        return output;
    }

    public void Forward(ForwardBatch batch, Span<float> logits)
    {
        Check(Gate?.Wait(TimeSpan.FromSeconds(10)) ?? true, "gate not opened within 10 s (test hang guard)");
        Batches.Add(batch);
        if (FailNextForward is { } failure)
        {
            FailNextForward = null;
            throw failure;
        }

        Check(logits.Length == batch.LogitsRows.Length * VocabSize, "logits buffer is [LogitsRows, VocabSize]");
        for (var i = 0; i < batch.NumTokens; i++)
        {
            _cache[batch.SlotMapping[i]] = (batch.TokenIds[i], batch.Positions[i]);
        }

        for (var j = 0; j < batch.LogitsRows.Length; j++)
        {
            var row = batch.LogitsRows[j];
            var seq = SequenceOf(batch, row);
            var context = ReadContext(batch.BlockTables[seq], batch.Positions[row] + 1);
            FillLogits(context, logits.Slice(j * VocabSize, VocabSize));
        }
    }

    public void CopyBlock(int source, int destination)
    {
        Copies.Add((source, destination));
        Array.Copy(_cache, source * BlockSize, _cache, destination * BlockSize, BlockSize);
    }

    public void Dispose()
    {
    }

    private static int SequenceOf(ForwardBatch batch, int row)
    {
        var seq = 0;
        while (batch.QueryStarts[seq + 1] <= row)
        {
            seq++;
        }

        return seq;
    }

    private int[] ReadContext(int[] blockTable, int length)
    {
        var context = new int[length];
        for (var p = 0; p < length; p++)
        {
            var (tokenId, position) = _cache[(blockTable[p / BlockSize] * BlockSize) + (p % BlockSize)];
            Check(position == p, $"cache slot for position {p} holds position {position}: stale or foreign K/V");
            context[p] = tokenId;
        }

        return context;
    }

    private void FillLogits(ReadOnlySpan<int> context, Span<float> row)
    {
        var next = NextToken(context, VocabSize);
        var noise = (uint)(NextToken(context, 1 << 20) * 2654435761u);
        for (var k = 0; k < row.Length; k++)
        {
            noise = (noise * 1664525u) + 1013904223u;
            row[k] = (noise >> 8) / (float)(1 << 24) * 3f;
        }

        row[next] = 4f;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("FakeModelRunner: " + message);
        }
    }
}
