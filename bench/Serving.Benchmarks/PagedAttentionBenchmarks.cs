using BenchmarkDotNet.Attributes;
using Serving.Engine.Execution;
using Serving.Engine.Kernels;

namespace Serving.Benchmarks;

/// <summary>One layer of <see cref="PagedAttention.Run"/> with SmolLM2-135M's heads (9 query heads, 3 KV heads, head dim 64):
/// single-sequence decode at several context lengths, and the attention of a 512-token prefill chunk; F16 cache.</summary>
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

    /// <summary>"rows/context": new rows of the step and the sequence's context after it.</summary>
    [Params("1/128", "1/512", "1/2048", "512/512")]
    public string Shape { get; set; } = "1/128";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('/');
        int rows = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), context = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var numBlocks = (context + BlockSize - 1) / BlockSize;
        _cache = new KVCacheStorage(1, NumKVHeads, HeadDim, numBlocks, BlockSize, KVCacheDataType.F16);
        var random = new Random(42);
        var kv = new float[NumKVHeads * HeadDim];
        for (var slot = 0; slot < context; slot++)
        {
            for (var i = 0; i < kv.Length; i++)
            {
                kv[i] = (random.NextSingle() * 2) - 1;
            }

            _cache.Write(0, slot, kv, kv);
        }

        var tokens = new int[rows];
        _batch = ForwardBatch.ForSingleSequence(tokens, context - rows, Enumerable.Range(0, numBlocks).ToArray(), BlockSize, lastLogitsOnly: false);
        _rowSequence = new int[rows];
        _tileStarts = new int[rows];
        _query = Enumerable.Range(0, rows * NumHeads * HeadDim).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
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
