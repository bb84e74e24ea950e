using Serving.Engine.Execution;
using Serving.Scheduler.KVCache;

namespace Serving.Scheduler.Scheduling;

/// <summary>Turns a <see cref="SchedulerOutput"/> into the flat <see cref="ForwardBatch"/> the runner consumes (STYLE L3):
/// token rows in plan order, their positions, cache slots and block tables, and the rows whose logits are sampled.</summary>
internal static class BatchBuilder
{
    public static ForwardBatch Build(SchedulerOutput output, KVCacheManager kvCache)
    {
        var scheduled = output.ScheduledSequences;
        var numTokens = output.NumScheduledTokens;
        var blockSize = kvCache.BlockSize;
        var tokenIds = new int[numTokens];
        var positions = new int[numTokens];
        var slotMapping = new int[numTokens];
        var queryStarts = new int[scheduled.Count + 1];
        var contextLengths = new int[scheduled.Count];
        var blockTables = new int[scheduled.Count][];
        var numLogitsRows = 0;
        foreach (var sequence in scheduled)
        {
            numLogitsRows += sequence.SamplesToken ? 1 : 0;
        }

        var logitsRows = new int[numLogitsRows];
        var row = 0;
        var logitsRow = 0;
        for (var s = 0; s < scheduled.Count; s++)
        {
            var (request, start, count, samplesToken) = scheduled[s];
            var blockTable = kvCache.GetBlockIds(request.RequestId);
            request.AllTokenIdsSpan.Slice(start, count).CopyTo(tokenIds.AsSpan(row, count));
            for (var i = 0; i < count; i++)
            {
                var position = start + i;
                positions[row + i] = position;
                slotMapping[row + i] = (blockTable[position / blockSize] * blockSize) + (position % blockSize);
            }

            row += count;
            queryStarts[s + 1] = row;
            contextLengths[s] = start + count;
            blockTables[s] = blockTable;
            if (samplesToken)
            {
                logitsRows[logitsRow++] = row - 1;
            }
        }

        return new ForwardBatch
        {
            TokenIds = tokenIds,
            Positions = positions,
            QueryStarts = queryStarts,
            ContextLengths = contextLengths,
            BlockTables = blockTables,
            SlotMapping = slotMapping,
            LogitsRows = logitsRows,
        };
    }
}
