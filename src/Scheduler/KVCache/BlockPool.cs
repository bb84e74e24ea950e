using System.Diagnostics;

namespace Serving.Scheduler.KVCache;

/// <summary>Owns every <see cref="KVCacheBlock"/>: the free queue (LRU eviction order) and the prefix-cache map from
/// <see cref="KVCache.BlockHash"/> to the block holding that content. A freed cached block keeps its hash and stays
/// reusable until it is popped for a new allocation (lazy eviction, as vLLM's BlockPool).</summary>
/// <remarks>Engine-thread only (STYLE C1).</remarks>
internal sealed class BlockPool
{
    private readonly KVCacheBlock[] _blocks;
    private readonly FreeBlockQueue _freeBlocks;
    private readonly Dictionary<BlockHash, KVCacheBlock> _cachedBlocks = [];

    public BlockPool(int numBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBlocks);
        _blocks = new KVCacheBlock[numBlocks];
        for (var i = 0; i < numBlocks; i++)
        {
            _blocks[i] = new KVCacheBlock(i);
        }

        _freeBlocks = new FreeBlockQueue(_blocks);
    }

    public int NumBlocks => _blocks.Length;

    public int NumFreeBlocks => _freeBlocks.Count;

    public int NumUsedBlocks => _blocks.Length - _freeBlocks.Count;

    /// <summary>Fraction of blocks held by at least one request (vLLM's kv_cache_usage).</summary>
    public double Usage => (double)NumUsedBlocks / _blocks.Length;

    public int NumCachedBlocks => _cachedBlocks.Count;

    public FreeBlockQueue FreeBlocks => _freeBlocks;

    public KVCacheBlock this[int blockId] => _blocks[blockId];

    public KVCacheBlock? GetCachedBlock(BlockHash hash) => _cachedBlocks.GetValueOrDefault(hash);

    /// <summary>Takes a reference on each block, reviving it from the free queue when nobody held it.</summary>
    public void Touch(IReadOnlyList<KVCacheBlock> blocks)
    {
        foreach (var block in blocks)
        {
            if (block.RefCount == 0)
            {
                _freeBlocks.Remove(block);
            }

            block.RefCount++;
        }
    }

    /// <summary>Pops the least recently freed block, evicting its cached content; the caller holds the only reference.</summary>
    public KVCacheBlock GetNewBlock()
    {
        var block = _freeBlocks.PopLeft();
        if (block.BlockHash is { } hash)
        {
            _cachedBlocks.Remove(hash);
            block.BlockHash = null;
        }

        block.RefCount = 1;
        return block;
    }

    /// <summary>Drops one reference; a block nobody holds goes to the tail of the free queue (evicted last).</summary>
    public void FreeBlock(KVCacheBlock block)
    {
        if (block.RefCount <= 0)
        {
            throw new InvalidOperationException($"{block} freed more often than it was taken.");
        }

        if (--block.RefCount == 0)
        {
            _freeBlocks.Append(block);
        }
    }

    /// <summary>Registers a full, computed block under <paramref name="hash"/>. Returns false when another block already
    /// holds that content (two requests computed the same prefix at once): this one then stays private.</summary>
    public bool TryCacheBlock(KVCacheBlock block, BlockHash hash)
    {
        Debug.Assert(block.BlockHash is null, "A block is cached once, while it is full.");
        if (!_cachedBlocks.TryAdd(hash, block))
        {
            return false;
        }

        block.BlockHash = hash;
        return true;
    }

    /// <summary>Checks free + used = total, free blocks hold no references, and the hash map matches the blocks' hashes.</summary>
    [Conditional("DEBUG")]
    public void AssertInvariants() => CheckInvariants();

    /// <summary>The checks behind <see cref="AssertInvariants"/>, compiled in every configuration so that a Release test
    /// run (or a nested check from another type's invariants) still performs them.</summary>
    public void CheckInvariants()
    {
        var numFree = 0;
        foreach (var block in _freeBlocks.Enumerate())
        {
            Invariant.Check(block.RefCount == 0, nameof(BlockPool), $"{block} is in the free queue with references.");
            numFree++;
        }

        Invariant.Check(numFree == _freeBlocks.Count, nameof(BlockPool), $"Free queue holds {numFree} blocks but counts {_freeBlocks.Count}.");
        var numHashed = 0;
        foreach (var block in _blocks)
        {
            Invariant.Check(block.RefCount >= 0, nameof(BlockPool), $"{block} has a negative reference count.");
            Invariant.Check((block.RefCount == 0) == FreeBlockQueue.Contains(block), nameof(BlockPool), $"{block}: free-queue membership disagrees with RefCount.");
            if (block.BlockHash is { } hash)
            {
                numHashed++;
                Invariant.Check(_cachedBlocks.TryGetValue(hash, out var cached) && cached == block, nameof(BlockPool), $"{block} carries a hash the map does not give back.");
            }
        }

        Invariant.Check(numHashed == _cachedBlocks.Count, nameof(BlockPool), $"Hash map holds {_cachedBlocks.Count} entries for {numHashed} hashed blocks.");
    }
}
