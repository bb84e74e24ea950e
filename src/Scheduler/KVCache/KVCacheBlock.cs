namespace Serving.Scheduler.KVCache;

/// <summary>One block of the paged KV cache: its id is an index into the runner's cache. Mutated only by
/// <see cref="BlockPool"/>; the free-list links only by <see cref="FreeBlockQueue"/>.</summary>
internal sealed class KVCacheBlock(int blockId)
{
    public int BlockId { get; } = blockId;

    /// <summary>Number of block tables holding this block; 0 means it sits in the free queue.</summary>
    public int RefCount { get; set; }

    /// <summary>Set while the block is full and registered in the prefix cache; cleared when it is evicted for reuse.</summary>
    public BlockHash? BlockHash { get; set; }

    public KVCacheBlock? PrevFree { get; set; }

    public KVCacheBlock? NextFree { get; set; }

    public override string ToString() => $"Block({BlockId}, ref={RefCount}{(BlockHash is null ? string.Empty : ", cached")})";
}
