using System.Diagnostics;
using System.IO.Hashing;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.KVCache;

/// <summary>Per-request block tables over a <see cref="BlockPool"/>, with prefix caching: a request's full blocks are
/// identified by chained <see cref="BlockHash"/>es, a new request reuses the longest cached run of them (ref-counted,
/// read-only) and computes only the rest. Partial blocks are never shared; writing into a shared block copies it first.</summary>
/// <remarks>Engine-thread only (STYLE C1).</remarks>
internal sealed class KVCacheManager
{
    private readonly Dictionary<string, List<KVCacheBlock>> _blockTables = [];
    private readonly Dictionary<string, int> _numCachedBlocks = [];
    private readonly List<BlockCopy> _pendingCopies = [];
    private readonly XxHash128 _hasher = new();

    public KVCacheManager(int numBlocks, int blockSize, bool enablePrefixCaching)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        Pool = new BlockPool(numBlocks);
        BlockSize = blockSize;
        EnablePrefixCaching = enablePrefixCaching;
    }

    public BlockPool Pool { get; }

    public int BlockSize { get; }

    public bool EnablePrefixCaching { get; }

    /// <summary>Tokens looked up in the prefix cache (vLLM's prefix_cache_queries).</summary>
    public long NumPrefixQueryTokens { get; private set; }

    /// <summary>Tokens served from the prefix cache (vLLM's prefix_cache_hits).</summary>
    public long NumPrefixHitTokens { get; private set; }

    public int NumBlocksFor(int numTokens) => (numTokens + BlockSize - 1) / BlockSize;

    /// <summary>The longest run of cached full blocks that starts <paramref name="request"/>'s tokens. The caller passes it
    /// to <see cref="AllocateSlots"/>, which takes the references.</summary>
    public PrefixCacheHit GetComputedBlocks(Request request)
    {
        Debug.Assert(request.NumComputedTokens == 0, "Prefix lookup is for requests with nothing in the cache.");
        if (!EnablePrefixCaching)
        {
            return PrefixCacheHit.None;
        }

        UpdateBlockHashes(request);
        var hits = new List<KVCacheBlock>();
        foreach (var hash in request.BlockHashes)
        {
            if (Pool.GetCachedBlock(hash) is not { } block)
            {
                break;
            }

            hits.Add(block);
        }

        // NOTE: a full-prompt hit still computes the last token, because its logits are what the step is for. That token's
        // slot lies in the last hit block, which AllocateSlots then copies (copy-on-write) instead of writing in place.
        var numComputed = Math.Min(hits.Count * BlockSize, request.NumTokens - 1);
        return hits.Count == 0 ? PrefixCacheHit.None : new PrefixCacheHit(hits, numComputed);
    }

    /// <summary>Counts one admitted request's lookup (not every retry of a request that had to keep waiting).</summary>
    public void RecordPrefixLookup(Request request, PrefixCacheHit hit)
    {
        if (EnablePrefixCaching)
        {
            NumPrefixQueryTokens += request.NumTokens;
            NumPrefixHitTokens += hit.NumComputedTokens;
        }
    }

    /// <summary>Makes room for <paramref name="numNewTokens"/> more tokens of <paramref name="request"/> after taking
    /// <paramref name="hit"/> (new requests only). Returns the newly allocated blocks, or null when the pool cannot supply
    /// them, in which case nothing changed.</summary>
    /// <remarks>
    /// <code>
    ///   | hit / existing blocks (read-only when shared)  | new blocks |
    ///   |&lt;- computed (cache + hit) -&gt;|&lt;- numNewTokens ---------&gt;|
    ///                                  ^ first written block: copied first if another holder (or the cache) shares it
    /// </code>
    /// </remarks>
    public IReadOnlyList<KVCacheBlock>? AllocateSlots(Request request, int numNewTokens, PrefixCacheHit hit = default)
    {
        var hitBlocks = hit.Blocks ?? [];
        var table = GetOrCreateTable(request.RequestId);
        var numComputed = request.NumComputedTokens + hit.NumComputedTokens;
        var numExisting = table.Count + hitBlocks.Count;
        var numNewBlocks = Math.Max(0, NumBlocksFor(numComputed + numNewTokens) - numExisting);
        var firstWritten = numComputed / BlockSize;
        var numCopies = 0;
        for (var i = firstWritten; i < numExisting; i++)
        {
            numCopies += IsShared(i < table.Count ? table[i] : hitBlocks[i - table.Count], isHeld: i < table.Count) ? 1 : 0;
        }

        var numRevived = 0;
        foreach (var block in hitBlocks)
        {
            numRevived += block.RefCount == 0 ? 1 : 0;
        }

        // NOTE: reviving a free cached block takes it out of the free queue, so it is not available for new blocks.
        if (numNewBlocks + numCopies > Pool.NumFreeBlocks - numRevived)
        {
            if (table.Count == 0)
            {
                _blockTables.Remove(request.RequestId);
            }

            return null;
        }

        Pool.Touch(hitBlocks);
        table.AddRange(hitBlocks);
        for (var i = firstWritten; numCopies > 0 && i < table.Count; i++)
        {
            if (IsShared(table[i], isHeld: true))
            {
                CopyOnWrite(table, i);
                numCopies--;
            }
        }

        if (numNewBlocks == 0)
        {
            return [];
        }

        var newBlocks = new KVCacheBlock[numNewBlocks];
        for (var i = 0; i < numNewBlocks; i++)
        {
            newBlocks[i] = Pool.GetNewBlock();
        }

        table.AddRange(newBlocks);
        return newBlocks;
    }

    /// <summary>Gives <paramref name="child"/> the same blocks as <paramref name="parent"/> (one more reference each).
    /// Full blocks stay shared read-only; the partial last block is copied by whichever of them writes it while shared.</summary>
    public void Fork(Request parent, Request child)
    {
        var table = new List<KVCacheBlock>(GetBlockTable(parent.RequestId));
        Pool.Touch(table);
        _blockTables.Add(child.RequestId, table);
    }

    /// <summary>Registers the blocks of <paramref name="request"/> that are now full and computed in the prefix cache.
    /// Called after the step that computed them, so no request can hit a block whose K/V is not written yet.</summary>
    public void CacheFullBlocks(Request request)
    {
        if (!EnablePrefixCaching || !_blockTables.TryGetValue(request.RequestId, out var table))
        {
            return;
        }

        UpdateBlockHashes(request);
        var numFull = Math.Min(request.NumComputedTokens / BlockSize, request.BlockHashes.Count);
        var numCached = _numCachedBlocks.GetValueOrDefault(request.RequestId);
        for (var i = numCached; i < numFull; i++)
        {
            if (table[i].BlockHash is null)
            {
                Pool.TryCacheBlock(table[i], request.BlockHashes[i]);
            }
        }

        _numCachedBlocks[request.RequestId] = Math.Max(numCached, numFull);
    }

    /// <summary>Releases every block of <paramref name="request"/>, tail first, so the free queue evicts its tail before
    /// its head (the head is the part other requests are likeliest to share).</summary>
    public void Free(Request request)
    {
        _numCachedBlocks.Remove(request.RequestId);
        if (!_blockTables.Remove(request.RequestId, out var table))
        {
            return;
        }

        for (var i = table.Count - 1; i >= 0; i--)
        {
            Pool.FreeBlock(table[i]);
        }
    }

    public IReadOnlyList<KVCacheBlock> GetBlockTable(string requestId) =>
        _blockTables.TryGetValue(requestId, out var table) ? table : [];

    public int[] GetBlockIds(string requestId)
    {
        var table = GetBlockTable(requestId);
        var ids = new int[table.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = table[i].BlockId;
        }

        return ids;
    }

    /// <summary>Moves the copy-on-writes decided since the last call into <paramref name="destination"/>, in order.</summary>
    public void TakePendingCopies(List<BlockCopy> destination)
    {
        destination.AddRange(_pendingCopies);
        _pendingCopies.Clear();
    }

    /// <summary>Pool invariants, plus: each block's RefCount equals the number of block tables holding it.</summary>
    [Conditional("DEBUG")]
    public void AssertInvariants() => CheckInvariants();

    /// <summary>The checks behind <see cref="AssertInvariants"/>, compiled in every configuration so that a Release test
    /// run (or a nested check from another type's invariants) still performs them.</summary>
    public void CheckInvariants()
    {
        Pool.CheckInvariants();
        var holders = new int[Pool.NumBlocks];
        foreach (var table in _blockTables.Values)
        {
            foreach (var block in table)
            {
                holders[block.BlockId]++;
            }
        }

        for (var id = 0; id < holders.Length; id++)
        {
            Invariant.Check(holders[id] == Pool[id].RefCount, nameof(KVCacheManager), $"{Pool[id]} is held by {holders[id]} block tables.");
        }
    }

    // NOTE: a cached block is read-only even with one holder: another request may hit it at any later step.
    private static bool IsShared(KVCacheBlock block, bool isHeld) =>
        block.BlockHash is not null || block.RefCount > (isHeld ? 1 : 0);

    private void CopyOnWrite(List<KVCacheBlock> table, int index)
    {
        var shared = table[index];
        var copy = Pool.GetNewBlock();
        _pendingCopies.Add(new BlockCopy(shared.BlockId, copy.BlockId));
        table[index] = copy;
        Pool.FreeBlock(shared);
    }

    private List<KVCacheBlock> GetOrCreateTable(string requestId)
    {
        if (!_blockTables.TryGetValue(requestId, out var table))
        {
            table = [];
            _blockTables.Add(requestId, table);
        }

        return table;
    }

    private void UpdateBlockHashes(Request request)
    {
        var hashes = request.BlockHashes;
        var tokens = request.AllTokenIdsSpan;
        for (var i = hashes.Count; (i + 1) * BlockSize <= tokens.Length; i++)
        {
            var parent = i == 0 ? BlockHash.Root : hashes[i - 1];
            hashes.Add(BlockHash.Compute(_hasher, parent, tokens.Slice(i * BlockSize, BlockSize)));
        }
    }
}
