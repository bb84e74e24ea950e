using BenchmarkDotNet.Attributes;
using Serving.Engine.Execution;
using Serving.Engine.Kernels;

namespace Serving.Benchmarks;

/// <summary>One layer of <see cref="PagedAttention.Run"/> with SmolLM2-135M's heads (9 query heads, 3 KV heads, head dim 64):
/// single-sequence decode at several context lengths, the attention of a 512-token prefill chunk, and a decode step of 16
/// sequences; F16 cache, each sequence's blocks scattered over the pool as a serving pool's are.</summary>
[MemoryDiagnoser]
public class PagedAttentionBenchmarks : IDisposable
{
    private const int NumHeads = 9;
    private const int NumKVHeads = 3;
    private const int HeadDim = 64;

    private KVCacheStorage? _cache;
    private WorkerPool? _pool;
    private ForwardBatch? _batch;
    private int[] _rowSequence = [];
    private int[] _tileStarts = [];
    private float[] _query = [];
    private float[] _output = [];

    [Params(16, 32)]
    public int BlockSize { get; set; }

    /// <summary>"sequences x rows/context": sequences in the step, new rows of each, and each one's context after it.</summary>
    [Params("1x1/128", "1x1/512", "1x1/2048", "1x512/512", "16x1/96", "16x1/512")]
    public string Shape { get; set; } = "1x1/128";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x', '/').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int seqs = parts[0], rows = parts[1], context = parts[2];
        var blocksPerSeq = (context + BlockSize - 1) / BlockSize;
        var numBlocks = seqs * blocksPerSeq;
        _cache = new KVCacheStorage(1, NumKVHeads, HeadDim, numBlocks, BlockSize, KVCacheDataType.F16);
        var random = new Random(42);
        var pool = Enumerable.Range(0, numBlocks).OrderBy(_ => random.Next()).ToArray();
        var tables = Enumerable.Range(0, seqs).Select(s => pool.AsSpan(s * blocksPerSeq, blocksPerSeq).ToArray()).ToArray();
        var kv = new float[NumKVHeads * HeadDim];
        foreach (var table in tables)
        {
            for (var position = 0; position < context; position++)
            {
                for (var i = 0; i < kv.Length; i++)
                {
                    kv[i] = (random.NextSingle() * 2) - 1;
                }

                _cache.Write(0, (table[position / BlockSize] * BlockSize) + (position % BlockSize), kv, kv);
            }
        }

        _batch = new ForwardBatch
        {
            TokenIds = new int[seqs * rows],
            Positions = Enumerable.Range(0, seqs).SelectMany(_ => Enumerable.Range(context - rows, rows)).ToArray(),
            QueryStarts = Enumerable.Range(0, seqs + 1).Select(s => s * rows).ToArray(),
            ContextLengths = Enumerable.Repeat(context, seqs).ToArray(),
            BlockTables = tables,
            SlotMapping = new int[seqs * rows],
            LogitsRows = [],
        };
        _rowSequence = Enumerable.Range(0, seqs).SelectMany(s => Enumerable.Repeat(s, rows)).ToArray();
        _tileStarts = new int[seqs * rows];
        _query = Enumerable.Range(0, seqs * rows * NumHeads * HeadDim).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        _output = new float[_query.Length];
        _pool = new WorkerPool(Environment.ProcessorCount);
    }

    [Benchmark]
    public void Run() => PagedAttention.Run(_cache!, 0, _batch!, _rowSequence, _query, _output, NumHeads, _tileStarts, _pool!);

    [GlobalCleanup]
    public void Dispose()
    {
        _pool?.Dispose();
        _pool = null;
        _cache?.Dispose();
        _cache = null;
        GC.SuppressFinalize(this);
    }
}
