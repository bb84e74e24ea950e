using Serving.Scheduler.KVCache;

namespace Serving.Scheduler.Tests.KVCache;

public class FreeBlockQueueTests
{
    [Fact]
    public void Remove_MiddleBlock_KeepsOrderOfTheRest()
    {
        var blocks = Enumerable.Range(0, 5).Select(i => new KVCacheBlock(i)).ToArray();
        var queue = new FreeBlockQueue(blocks);

        queue.Remove(blocks[2]);
        queue.Append(blocks[2]);
        queue.Remove(blocks[0]);

        Assert.Equal([1, 3, 4, 2], queue.Enumerate().Select(b => b.BlockId));
        Assert.Equal(4, queue.Count);
        Assert.False(FreeBlockQueue.Contains(blocks[0]));
    }

    [Fact]
    public void PopLeft_Empty_Throws()
    {
        var block = new KVCacheBlock(0);
        var queue = new FreeBlockQueue([block]);

        Assert.Same(block, queue.PopLeft());
        Assert.Throws<InvalidOperationException>(() => queue.PopLeft());
    }

    [Fact]
    public void Append_BlockAlreadyQueued_Throws()
    {
        var block = new KVCacheBlock(0);
        var queue = new FreeBlockQueue([block]);

        Assert.Throws<InvalidOperationException>(() => queue.Append(block));
    }
}
