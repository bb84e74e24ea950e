using BenchmarkDotNet.Attributes;
using Serving.Scheduler.KVCache;

namespace Serving.Benchmarks;

/// <summary>KV-block bookkeeping per step: allocating and freeing a sequence's blocks, and reviving cached free blocks on a
/// prefix hit (intrusive free list: both O(1) per block, 0 B/op).</summary>
[MemoryDiagnoser]
public class BlockPoolBenchmarks
{
    private readonly KVCacheBlock[] _taken = new KVCacheBlock[64];
    private BlockPool _pool = null!;

    /// <summary>Pool sizes: a small test pool and a 16 GiB-class cache of 16-token blocks.</summary>
    [Params(1024, 65536)]
    public int NumBlocks { get; set; }

    [GlobalSetup]
    public void Setup() => _pool = new BlockPool(NumBlocks);

    /// <summary>A 1,024-token sequence (64 blocks) allocated and freed tail first.</summary>
    [Benchmark]
    public int AllocateAndFree64()
    {
        for (var i = 0; i < _taken.Length; i++)
        {
            _taken[i] = _pool.GetNewBlock();
        }

        for (var i = _taken.Length - 1; i >= 0; i--)
        {
            _pool.FreeBlock(_taken[i]);
        }

        return _pool.NumFreeBlocks;
    }

    /// <summary>Taking and dropping references on 64 free blocks in place (prefix hits revive them from the middle of the
    /// free queue).</summary>
    [Benchmark]
    public int TouchAndFree64()
    {
        for (var i = 0; i < _taken.Length; i++)
        {
            _taken[i] = _pool[(i * 7) % NumBlocks];
        }

        _pool.Touch(_taken);
        for (var i = _taken.Length - 1; i >= 0; i--)
        {
            _pool.FreeBlock(_taken[i]);
        }

        return _pool.NumFreeBlocks;
    }
}
