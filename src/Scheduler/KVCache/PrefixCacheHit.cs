namespace Serving.Scheduler.KVCache;

/// <summary>Cached full blocks a new request can reuse, and how many of its tokens that saves computing (a full-prompt hit
/// still leaves the last token to compute, for its logits).</summary>
internal readonly record struct PrefixCacheHit(IReadOnlyList<KVCacheBlock> Blocks, int NumComputedTokens)
{
    public static PrefixCacheHit None { get; } = new([], 0);
}
