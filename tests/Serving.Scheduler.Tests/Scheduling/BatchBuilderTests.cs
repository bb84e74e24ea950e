using Serving.Scheduler.Scheduling;

namespace Serving.Scheduler.Tests.Scheduling;

public class BatchBuilderTests
{
    [Fact]
    public void Build_PrefillsThenDecodeAndChunk_FlattensRowsSlotsAndLogitsRows()
    {
        var scheduler = TestScheduler.Create(blockSize: 4, numBlocks: 8, maxNumBatchedTokens: 11);
        var requests = TestRequests.Create(3, 6);
        foreach (var request in requests)
        {
            scheduler.AddRequest(request);
        }

        var first = BatchBuilder.Build(scheduler.Schedule().Let(o => scheduler.Complete(o, tokenId: 42)), scheduler.KVCacheManager);
        var second = BatchBuilder.Build(scheduler.Schedule(), scheduler.KVCacheManager);

        // r0: 6 prompt tokens in blocks 0,1; r1: a 5-token chunk in blocks 2,3.
        Assert.Equal([.. requests[0].AllTokenIds.Take(6), .. requests[1].AllTokenIds.Take(5)], first.TokenIds);
        Assert.Equal([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4], first.Positions);
        Assert.Equal([0, 6, 11], first.QueryStarts);
        Assert.Equal([6, 5], first.ContextLengths);
        Assert.Equal([[0, 1], [2, 3]], first.BlockTables);
        Assert.Equal([0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12], first.SlotMapping);
        Assert.Equal([5], first.LogitsRows);

        // r0 decodes its sampled token at position 6; r1 finishes its prompt; r2 fits whole in the 9 tokens left.
        Assert.Equal([42, requests[1].AllTokenIds[5], .. requests[2].AllTokenIds.Take(6)], second.TokenIds);
        Assert.Equal([6, 5, 0, 1, 2, 3, 4, 5], second.Positions);
        Assert.Equal([0, 1, 2, 8], second.QueryStarts);
        Assert.Equal([7, 6, 6], second.ContextLengths);
        Assert.Equal([[0, 1], [2, 3], [4, 5]], second.BlockTables);
        Assert.Equal([6, 13, 16, 17, 18, 19, 20, 21], second.SlotMapping);
        Assert.Equal([0, 1, 7], second.LogitsRows);
    }
}
