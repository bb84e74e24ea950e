using System.IO.Hashing;
using Serving.Scheduler.KVCache;

namespace Serving.Scheduler.Tests.KVCache;

public class BlockPoolTests
{
    private static readonly BlockHash HashA = BlockHash.Compute(new XxHash128(), BlockHash.Root, [1, 2, 3, 4]);

    [Fact]
    public void GetNewBlock_FreshPool_PopsInIdOrderAndFreedBlocksGoToTheTail()
    {
        var pool = new BlockPool(4);

        var b0 = pool.GetNewBlock();
        var b1 = pool.GetNewBlock();
        pool.FreeBlock(b0);

        Assert.Equal((0, 1, 1), (b0.BlockId, b1.BlockId, b1.RefCount));
        Assert.Equal([2, 3, 0], pool.FreeBlocks.Enumerate().Select(b => b.BlockId));
        Assert.Equal(0.25, pool.Usage);
        pool.AssertInvariants();
    }

    [Fact]
    public void Touch_FreedCachedBlock_RevivesItWithoutEviction()
    {
        var pool = new BlockPool(3);
        var block = pool.GetNewBlock();
        Assert.True(pool.TryCacheBlock(block, HashA));
        pool.FreeBlock(block);

        var hit = pool.GetCachedBlock(HashA);
        pool.Touch([hit!]);

        Assert.Same(block, hit);
        Assert.Equal(1, block.RefCount);
        Assert.Equal([1, 2], pool.FreeBlocks.Enumerate().Select(b => b.BlockId));
        pool.AssertInvariants();
    }

    [Fact]
    public void GetNewBlock_PopsCachedFreeBlock_EvictsItsHash()
    {
        var pool = new BlockPool(1);
        var block = pool.GetNewBlock();
        pool.TryCacheBlock(block, HashA);
        pool.FreeBlock(block);

        var reused = pool.GetNewBlock();

        Assert.Same(block, reused);
        Assert.Null(reused.BlockHash);
        Assert.Null(pool.GetCachedBlock(HashA));
        Assert.Equal(0, pool.NumCachedBlocks);
        pool.AssertInvariants();
    }

    [Fact]
    public void TryCacheBlock_SameContentTwice_KeepsTheFirstBlock()
    {
        var pool = new BlockPool(2);
        var first = pool.GetNewBlock();
        var second = pool.GetNewBlock();

        Assert.True(pool.TryCacheBlock(first, HashA));
        Assert.False(pool.TryCacheBlock(second, HashA));

        Assert.Same(first, pool.GetCachedBlock(HashA));
        Assert.Null(second.BlockHash);
        pool.AssertInvariants();
    }

    [Fact]
    public void FreeBlock_Unreferenced_Throws()
    {
        var pool = new BlockPool(2);
        var block = pool.GetNewBlock();
        pool.FreeBlock(block);

        Assert.Throws<InvalidOperationException>(() => pool.FreeBlock(block));
    }

    [Fact]
    public void BlockHash_ChainsOverParent_DifferentParentGivesDifferentHash()
    {
        var hasher = new XxHash128();
        var child1 = BlockHash.Compute(hasher, HashA, [5, 6, 7, 8]);
        var child2 = BlockHash.Compute(hasher, BlockHash.Root, [5, 6, 7, 8]);
        var again = BlockHash.Compute(hasher, HashA, [5, 6, 7, 8]);

        Assert.NotEqual(child1, child2);
        Assert.Equal(child1, again);
    }
}
