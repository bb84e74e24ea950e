using Serving.Scheduler.KVCache;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Tests.KVCache;

public class KVCacheManagerTests
{
    [Fact]
    public void AllocateSlots_NewRequest_TakesBlocksInOrderAndCoversItsTokens()
    {
        var manager = new KVCacheManager(numBlocks: 10, blockSize: 16, enablePrefixCaching: true);
        var request = TestRequests.Create("a", 35);

        var blocks = manager.AllocateSlots(request, 35);

        Assert.Equal([0, 1, 2], blocks!.Select(b => b.BlockId));
        Assert.Equal([0, 1, 2], manager.GetBlockIds("a"));
        Assert.Equal(7, manager.Pool.NumFreeBlocks);
        manager.AssertInvariants();
    }

    [Fact]
    public void AllocateSlots_NotEnoughBlocks_ReturnsNullAndChangesNothing()
    {
        var manager = new KVCacheManager(numBlocks: 2, blockSize: 16, enablePrefixCaching: true);
        var request = TestRequests.Create("a", 40);

        Assert.Null(manager.AllocateSlots(request, 40));

        Assert.Equal(2, manager.Pool.NumFreeBlocks);
        Assert.Empty(manager.GetBlockIds("a"));
        manager.AssertInvariants();
    }

    [Fact]
    public void AllocateSlots_DecodeWithinLastBlock_AllocatesNothing()
    {
        var manager = new KVCacheManager(numBlocks: 4, blockSize: 16, enablePrefixCaching: true);
        var request = TestRequests.Create("a", 20);
        manager.AllocateSlots(request, 20);
        request.NumComputedTokens = 20;
        request.AppendOutputToken(9);

        var blocks = manager.AllocateSlots(request, 1);

        Assert.Empty(blocks!);
        Assert.Equal([0, 1], manager.GetBlockIds("a"));
    }

    [Fact]
    public void Free_Request_AppendsItsBlocksInReverseSoItsTailIsEvictedFirst()
    {
        var manager = new KVCacheManager(numBlocks: 5, blockSize: 16, enablePrefixCaching: true);
        var request = TestRequests.Create("a", 40);
        manager.AllocateSlots(request, 40);

        manager.Free(request);

        Assert.Equal([3, 4, 2, 1, 0], manager.Pool.FreeBlocks.Enumerate().Select(b => b.BlockId));
        manager.AssertInvariants();
    }

    [Fact]
    public void GetComputedBlocks_SharedFullBlocks_HitsThemAndComputesOnlyTheSuffix()
    {
        var manager = new KVCacheManager(numBlocks: 10, blockSize: 16, enablePrefixCaching: true);
        var prefix = TestRequests.Prompt(0, 32);
        var a = TestRequests.FromTokens("a", [.. prefix, 100, 101, 102, 103, 104, 105, 106, 107]);
        var b = TestRequests.FromTokens("b", [.. prefix, 200, 201, 202, 203]);
        Compute(manager, a, 40);

        var hit = manager.GetComputedBlocks(b);
        var newBlocks = manager.AllocateSlots(b, b.NumTokens - hit.NumComputedTokens, hit);

        Assert.Equal(32, hit.NumComputedTokens);
        Assert.Equal([0, 1], hit.Blocks.Select(x => x.BlockId));
        Assert.Equal([3], newBlocks!.Select(x => x.BlockId));
        Assert.Equal([0, 1, 3], manager.GetBlockIds("b"));
        Assert.Equal([2, 2, 1, 1], new[] { 0, 1, 2, 3 }.Select(id => manager.Pool[id].RefCount));
        manager.AssertInvariants();
    }

    [Fact]
    public void GetComputedBlocks_PartialLastBlock_IsNeverShared()
    {
        var manager = new KVCacheManager(numBlocks: 10, blockSize: 16, enablePrefixCaching: true);
        var prompt = TestRequests.Prompt(0, 20);
        Compute(manager, TestRequests.FromTokens("a", prompt), 20);

        var hit = manager.GetComputedBlocks(TestRequests.FromTokens("b", prompt));

        Assert.Equal(16, hit.NumComputedTokens);
        Assert.Equal([0], hit.Blocks.Select(x => x.BlockId));
    }

    [Fact]
    public void AllocateSlots_FullPromptHit_RecomputesLastTokenIntoACopyOfTheSharedBlock()
    {
        var manager = new KVCacheManager(numBlocks: 10, blockSize: 16, enablePrefixCaching: true);
        var prompt = TestRequests.Prompt(0, 32);
        Compute(manager, TestRequests.FromTokens("a", prompt), 32);
        var b = TestRequests.FromTokens("b", prompt);

        var hit = manager.GetComputedBlocks(b);
        var newBlocks = manager.AllocateSlots(b, 1, hit);
        var copies = new List<BlockCopy>();
        manager.TakePendingCopies(copies);

        Assert.Equal(31, hit.NumComputedTokens);
        Assert.Empty(newBlocks!);
        Assert.Equal([0, 2], manager.GetBlockIds("b"));
        Assert.Equal([new BlockCopy(1, 2)], copies);
        Assert.Equal([2, 1, 1], new[] { 0, 1, 2 }.Select(id => manager.Pool[id].RefCount));
        manager.AssertInvariants();
    }

    [Fact]
    public void AllocateSlots_FreedCachedBlocks_AreRevivedAndNotCountedAsFree()
    {
        var manager = new KVCacheManager(numBlocks: 4, blockSize: 16, enablePrefixCaching: true);
        var prefix = TestRequests.Prompt(0, 32);
        var a = TestRequests.FromTokens("a", prefix);
        Compute(manager, a, 32);
        manager.Free(a);
        var b = TestRequests.FromTokens("b", [.. prefix, .. TestRequests.Prompt(5, 32)]);

        var hit = manager.GetComputedBlocks(b);
        var newBlocks = manager.AllocateSlots(b, 32, hit);

        Assert.Equal([0, 1], hit.Blocks.Select(x => x.BlockId));
        Assert.Equal([2, 3], newBlocks!.Select(x => x.BlockId));
        Assert.Equal(0, manager.Pool.NumFreeBlocks);
        manager.AssertInvariants();
    }

    [Fact]
    public void AllocateSlots_HitOnFreeBlocksWithoutRoomForTheRest_ReturnsNullAndKeepsThemFree()
    {
        var manager = new KVCacheManager(numBlocks: 3, blockSize: 16, enablePrefixCaching: true);
        var prefix = TestRequests.Prompt(0, 32);
        var a = TestRequests.FromTokens("a", prefix);
        Compute(manager, a, 32);
        manager.Free(a);
        var b = TestRequests.FromTokens("b", [.. prefix, .. TestRequests.Prompt(5, 32)]);

        var hit = manager.GetComputedBlocks(b);

        Assert.Null(manager.AllocateSlots(b, 32, hit));
        Assert.Equal(3, manager.Pool.NumFreeBlocks);
        Assert.Equal(2, manager.Pool.NumCachedBlocks);
        manager.AssertInvariants();
    }

    [Fact]
    public void AllocateSlots_PoolFullOfCachedFreeBlocks_EvictsLeastRecentlyFreedFirst()
    {
        var manager = new KVCacheManager(numBlocks: 4, blockSize: 16, enablePrefixCaching: true);
        var a = TestRequests.Create("a", 32, seed: 1);
        var b = TestRequests.Create("b", 32, seed: 2);
        Compute(manager, a, 32);
        Compute(manager, b, 32);
        manager.Free(a);
        manager.Free(b);

        var c = TestRequests.Create("c", 32, seed: 3);
        manager.AllocateSlots(c, 32);

        // a's tail (1) was freed first, then a's head (0): those two go.
        Assert.Equal([1, 0], manager.GetBlockIds("c"));
        Assert.Equal(0, manager.GetComputedBlocks(TestRequests.Create("a2", 32, seed: 1)).NumComputedTokens);
        Assert.Equal(31, manager.GetComputedBlocks(TestRequests.Create("b2", 32, seed: 2)).NumComputedTokens);
        manager.AssertInvariants();
    }

    [Fact]
    public void GetComputedBlocks_PrefixCachingOff_NeverHits()
    {
        var manager = new KVCacheManager(numBlocks: 4, blockSize: 16, enablePrefixCaching: false);
        var prompt = TestRequests.Prompt(0, 32);
        Compute(manager, TestRequests.FromTokens("a", prompt), 32);

        var hit = manager.GetComputedBlocks(TestRequests.FromTokens("b", prompt));

        Assert.Equal(0, hit.NumComputedTokens);
        Assert.Equal(0, manager.Pool.NumCachedBlocks);
    }

    /// <summary>Allocates and "computes" <paramref name="numTokens"/> tokens, as a step would.</summary>
    private static void Compute(KVCacheManager manager, Request request, int numTokens)
    {
        Assert.NotNull(manager.AllocateSlots(request, numTokens));
        request.NumComputedTokens = numTokens;
        manager.CacheFullBlocks(request);
        manager.AssertInvariants();
    }
}
