using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Serving.Scheduler.KVCache;

/// <summary>Identity of a full KV-cache block's content: a 128-bit XxHash chained over the parent block's hash and this
/// block's token ids, so equal hashes mean equal whole prefixes (STYLE C6: 128 bits instead of verifying tokens).</summary>
internal readonly record struct BlockHash(UInt128 Value)
{
    /// <summary>The parent of a sequence's first block.</summary>
    public static BlockHash Root => default;

    /// <summary>Hashes <paramref name="tokenIds"/> (one full block) chained onto <paramref name="parent"/>; reuses
    /// <paramref name="hasher"/> so hashing allocates nothing.</summary>
    public static BlockHash Compute(XxHash128 hasher, BlockHash parent, ReadOnlySpan<int> tokenIds)
    {
        hasher.Reset();
        Span<byte> parentBytes = stackalloc byte[16];
        MemoryMarshal.Write(parentBytes, parent.Value);
        hasher.Append(parentBytes);
        hasher.Append(MemoryMarshal.AsBytes(tokenIds));
        return new BlockHash(hasher.GetCurrentHashAsUInt128());
    }
}
