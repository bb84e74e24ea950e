namespace Serving.Scheduler.KVCache;

/// <summary>Intrusive doubly linked list of free blocks in eviction order (head = least recently freed, evicted first).
/// Intrusive links give O(1) removal when a cached free block is revived by a prefix hit (vLLM's FreeKVCacheBlockQueue).</summary>
internal sealed class FreeBlockQueue
{
    // Sentinels: every real block in the queue has non-null links, so membership is `PrevFree is not null`.
    private readonly KVCacheBlock _head = new(-1);
    private readonly KVCacheBlock _tail = new(-1);

    public FreeBlockQueue(IEnumerable<KVCacheBlock> blocks)
    {
        _head.NextFree = _tail;
        _tail.PrevFree = _head;
        foreach (var block in blocks)
        {
            Append(block);
        }
    }

    public int Count { get; private set; }

    public static bool Contains(KVCacheBlock block) => block.PrevFree is not null;

    public KVCacheBlock PopLeft()
    {
        var block = NextOf(_head);
        if (block == _tail)
        {
            throw new InvalidOperationException("No free block: callers must check NumFreeBlocks before allocating.");
        }

        Remove(block);
        return block;
    }

    public void Remove(KVCacheBlock block)
    {
        var prev = block.PrevFree ?? throw new InvalidOperationException($"{block} is not in the free queue.");
        var next = NextOf(block);
        prev.NextFree = next;
        next.PrevFree = prev;
        block.PrevFree = null;
        block.NextFree = null;
        Count--;
    }

    public void Append(KVCacheBlock block)
    {
        if (Contains(block))
        {
            throw new InvalidOperationException($"{block} is already in the free queue.");
        }

        var last = _tail.PrevFree ?? throw Corrupt();
        last.NextFree = block;
        block.PrevFree = last;
        block.NextFree = _tail;
        _tail.PrevFree = block;
        Count++;
    }

    /// <summary>Free blocks from head (next to evict) to tail.</summary>
    public IEnumerable<KVCacheBlock> Enumerate()
    {
        for (var block = NextOf(_head); block != _tail; block = NextOf(block))
        {
            yield return block;
        }
    }

    private static KVCacheBlock NextOf(KVCacheBlock block) => block.NextFree ?? throw Corrupt();

    private static InvalidOperationException Corrupt() => new("Free queue links are broken: a linked block lost its neighbour.");
}
