namespace Serving.Engine.Execution;

/// <summary>The flat input of one engine step: a ragged batch of token rows from one or more sequences, each at its own
/// position with its own block table (vLLM's attention metadata as one type). The engine knows nothing about requests.</summary>
/// <remarks>
/// Rows of sequence <c>s</c> are <c>QueryStarts[s] .. QueryStarts[s + 1]</c>; they are that sequence's next tokens, at
/// positions <c>ContextLengths[s] - n .. ContextLengths[s] - 1</c>. A decode contributes one row, a prefill chunk many.
/// <code>
///   rows:        | seq 0 (decode) | seq 1 (prefill chunk of 3) | seq 2 (decode) |
///   QueryStarts:   0                1                            4                5
/// </code>
/// Row <c>i</c> writes its K/V into cache slot <c>SlotMapping[i]</c> = blockId * blockSize + offset, then attends to the
/// sequence's first <c>Positions[i] + 1</c> cache entries through <c>BlockTables[s]</c>.
/// </remarks>
public sealed class ForwardBatch
{
    /// <summary>[NumTokens] token id of each row.</summary>
    public required int[] TokenIds { get; init; }

    /// <summary>[NumTokens] absolute position of each row in its sequence.</summary>
    public required int[] Positions { get; init; }

    /// <summary>[NumSeqs + 1] row offsets per sequence.</summary>
    public required int[] QueryStarts { get; init; }

    /// <summary>[NumSeqs] number of cache entries each sequence has after this step (cached + this step's rows).</summary>
    public required int[] ContextLengths { get; init; }

    /// <summary>[NumSeqs][] KV-cache block ids per sequence, covering at least <c>ContextLengths[s]</c> entries.</summary>
    public required int[][] BlockTables { get; init; }

    /// <summary>[NumTokens] cache slot each row's K/V is written to.</summary>
    public required int[] SlotMapping { get; init; }

    /// <summary>Rows whose logits are wanted, ascending; logits row <c>j</c> of the output belongs to row <c>LogitsRows[j]</c>.</summary>
    public required int[] LogitsRows { get; init; }

    public int NumTokens => TokenIds.Length;

    public int NumSeqs => QueryStarts.Length - 1;

    /// <summary>A batch of one sequence whose cache occupies blocks in table order (the single-sequence generate/bench path).</summary>
    public static ForwardBatch ForSingleSequence(ReadOnlySpan<int> tokens, int startPosition, int[] blockTable, int blockSize, bool lastLogitsOnly = true)
    {
        var n = tokens.Length;
        var positions = new int[n];
        var slots = new int[n];
        for (var i = 0; i < n; i++)
        {
            var pos = startPosition + i;
            positions[i] = pos;
            slots[i] = (blockTable[pos / blockSize] * blockSize) + (pos % blockSize);
        }

        return new ForwardBatch
        {
            TokenIds = tokens.ToArray(),
            Positions = positions,
            QueryStarts = [0, n],
            ContextLengths = [startPosition + n],
            BlockTables = [blockTable],
            SlotMapping = slots,
            LogitsRows = lastLogitsOnly ? [n - 1] : Enumerable.Range(0, n).ToArray(),
        };
    }
}
