using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Serving.Engine.Execution;

namespace Serving.Engine.Kernels;

/// <summary>Causal attention of query rows against a paged K/V cache: for each row and head,
/// <c>destination = Σ_j softmax_j(scale · q·K[j]) V[j]</c> over the row's sequence's first <c>position + 1</c> cache entries,
/// found through the sequence's block table.</summary>
/// <remarks>
/// Work is split into tiles: up to <c>TileRows</c> consecutive rows of one sequence × the query heads that share one KV
/// head (grouped-query attention). A tile reads (and, for F16, converts) each K/V block once for all its rows and heads;
/// when there are too few tiles to keep the threads busy (decode), each query head becomes its own item instead.
/// Keys are stored transposed (<see cref="KVCacheStorage"/>), so a block's scores are vector FMAs over its positions, one
/// head dimension at a time, with no horizontal sums; the next block is prefetched while one is computed. Softmax is
/// online, block by block (running max, rescaled sum and accumulator), so no buffer of context-length scores is needed and
/// large scores never overflow. Each (row, head) goes through exactly the same operations in the same order
/// whatever tile or batch it is in, so results are batch invariant.
/// </remarks>
internal static unsafe class PagedAttention
{
    /// <summary>Bound on the accumulators of one tile (rows × grouped heads × head dim), which live on the stack.</summary>
    private const int MaxTileAccumulators = 4096;
    private const int MaxTileRows = 16;

    /// <summary>All rows and heads of one layer, in parallel over tiles. <c>query</c> and <c>output</c> are
    /// [numTokens, numHeads * headDim] (query already roped); <c>rowSequence</c> [numTokens] maps each row to its sequence;
    /// <c>tileStarts</c> is scratch of at least numTokens entries.</summary>
    public static void Run(KVCacheStorage cache, int layer, ForwardBatch batch, int[] rowSequence, float[] query, float[] output, int numHeads, int[] tileStarts, WorkerPool pool)
    {
        var group = numHeads / cache.NumKVHeads;
        var tileRows = Math.Clamp(MaxTileAccumulators / (group * cache.HeadDim), 1, MaxTileRows);
        var numTiles = 0;
        for (var s = 0; s < batch.NumSeqs; s++)
        {
            for (var r = batch.QueryStarts[s]; r < batch.QueryStarts[s + 1]; r += tileRows)
            {
                tileStarts[numTiles++] = r;
            }
        }

        // NOTE: each query head is its own item only when there are fewer tiles than threads: a head item reads and
        // converts its KV head's blocks again for every query head of the group, which at long contexts costs more than
        // an uneven split of whole tiles (SmolLM2, 2 threads: one sequence at context 4096, 3 tiles, 15-16 ms per step
        // against 18-20 ms per head; two sequences at 512, 3.4-4.3 against 6.1-6.5 ms). A head's arithmetic is the same
        // either way, so this choice never changes a result.
        var headsPerItem = numTiles * cache.NumKVHeads < pool.Threads ? 1 : group;
        var body = new Body
        {
            Cache = cache,
            Layer = layer,
            Batch = batch,
            RowSequence = rowSequence,
            TileStarts = tileStarts,
            NumTiles = numTiles,
            TileRows = tileRows,
            Query = query,
            Output = output,
            NumHeads = numHeads,
            Group = group,
            HeadsPerItem = headsPerItem,
            Scale = 1.0f / MathF.Sqrt(cache.HeadDim),
        };
        pool.For(numTiles * numHeads / headsPerItem, ref body);
    }

    /// <summary>One query head of one row (the single-row, single-head case of a tile).</summary>
    public static void Row(KVCacheStorage cache, int layer, ReadOnlySpan<int> blockTable, int contextLength, ReadOnlySpan<float> query, int kvHead, float scale, Span<float> destination)
    {
        if (query.Length != cache.HeadDim || destination.Length != cache.HeadDim)
        {
            throw new ArgumentException("query and destination must be one head");
        }

        Tile(cache, layer, blockTable, [contextLength - 1], query, cache.HeadDim, 0, 1, kvHead, scale, destination);
    }

    /// <summary>Rows <c>positions.Length</c> × heads <c>firstHead .. firstHead + group - 1</c> (all sharing
    /// <paramref name="kvHead"/>); <paramref name="query"/> and <paramref name="destination"/> hold the tile's rows with
    /// stride <paramref name="rowStride"/>.</summary>
    private static void Tile(KVCacheStorage cache, int layer, ReadOnlySpan<int> blockTable, ReadOnlySpan<int> positions,
        ReadOnlySpan<float> query, int rowStride, int firstHead, int group, int kvHead, float scale, Span<float> destination)
    {
        int headDim = cache.HeadDim, blockSize = cache.BlockSize, states = positions.Length * group;
        var contextLength = 0;
        foreach (var p in positions)
        {
            contextLength = Math.Max(contextLength, p + 1);
        }

        if (contextLength <= 0 || (contextLength + blockSize - 1) / blockSize > blockTable.Length || states * headDim > MaxTileAccumulators)
        {
            throw new ArgumentException("the block table must cover the context and the tile must fit its accumulators");
        }

        Span<float> accumulators = stackalloc float[states * headDim];
        Span<float> max = stackalloc float[states];
        Span<float> sum = stackalloc float[states];
        Span<float> scores = stackalloc float[blockSize];
        var f16 = cache.DataType == KVCacheDataType.F16;
        Span<float> stagedKeys = f16 ? stackalloc float[blockSize * headDim] : default;
        Span<float> stagedValues = f16 ? stackalloc float[blockSize * headDim] : default;
        accumulators.Clear();
        max.Fill(float.NegativeInfinity);
        sum.Clear();
        for (int b = 0, start = 0; start < contextLength; b++, start += blockSize)
        {
            var n = Math.Min(blockSize, contextLength - start);
            if (start + blockSize < contextLength)
            {
                Prefetch(cache, layer, blockTable[b + 1], kvHead);
            }

            // NOTE: keys are [headDim, blockSize], so a partial block's keys are still the whole block (the columns past n
            // are stale entries whose scores are never used).
            var keys = Load(cache, layer, isValue: false, blockTable[b], kvHead, blockSize * headDim, stagedKeys);
            var values = Load(cache, layer, isValue: true, blockTable[b], kvHead, n * headDim, stagedValues);
            for (var r = 0; r < positions.Length; r++)
            {
                var count = Math.Min(n, positions[r] + 1 - start);
                for (var g = 0; count > 0 && g < group; g++)
                {
                    var state = (r * group) + g;
                    var q = query.Slice((r * rowStride) + ((firstHead + g) * headDim), headDim);
                    AttendBlock(q, keys, values, count, scale, ref max[state], ref sum[state], accumulators.Slice(state * headDim, headDim), scores);
                }
            }
        }

        for (var r = 0; r < positions.Length; r++)
        {
            for (var g = 0; g < group; g++)
            {
                var state = (r * group) + g;
                var target = destination.Slice((r * rowStride) + ((firstHead + g) * headDim), headDim);
                TensorPrimitives.Multiply(accumulators.Slice(state * headDim, headDim), 1.0f / sum[state], target);
            }
        }
    }

    /// <summary>Folds the first <paramref name="count"/> positions of one block (keys <c>[headDim, scores.Length]</c>, values
    /// <c>[count, headDim]</c>) into one (row, head)'s online-softmax state.</summary>
    private static void AttendBlock(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int count, float scale,
        ref float max, ref float sum, Span<float> accumulator, Span<float> scores)
    {
        var wide = Vector512.IsHardwareAccelerated && q.Length % Vector512<float>.Count == 0;
        if (wide && scores.Length == Vector512<float>.Count)
        {
            // NOTE: the two 8-position halves go to the softmax in registers: stored as two 256-bit halves and reloaded as
            // one 512-bit vector they would stall on store forwarding. Same values as Scores (lanes past count are masked).
            var s16 = Vector512.Create(Scores8(q, keys, Vector512<float>.Count, 0, scale), Scores8(q, keys, Vector512<float>.Count, Vector256<float>.Count, scale));
            Softmax16(s16, count, ref max, ref sum, accumulator, scores);
        }
        else
        {
            Scores(q, keys, scale, count, scores);
            var s = scores[..count];
            Rescale(TensorPrimitives.Max(s), ref max, ref sum, accumulator);
            TensorPrimitives.Subtract(s, max, s);
            TensorPrimitives.Exp(s, s);
            sum += TensorPrimitives.Sum(s);
        }

        if (wide)
        {
            AccumulateVector512(values, scores[..count], accumulator);
            return;
        }

        for (var j = 0; j < count; j++)
        {
            TensorPrimitives.MultiplyAdd(values.Slice(j * q.Length, q.Length), scores[j], accumulator, accumulator);
        }
    }

    /// <summary>
    /// The softmax step of <see cref="AttendBlock"/> for blocks of 16 (the default): the block's scores are one 512-bit
    /// vector, so the max, exp and sum run in registers instead of five span calls on 16 floats. Lanes past
    /// <paramref name="count"/> score -∞, which exp turns into 0. Leaves the block's weights in <paramref name="scores"/>.
    /// </summary>
    private static void Softmax16(Vector512<float> blockScores, int count, ref float max, ref float sum, Span<float> accumulator, Span<float> scores)
    {
        var valid = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
        var s = Vector512.ConditionalSelect(valid, blockScores, Vector512.Create(float.NegativeInfinity));
        var half = Vector256.Max(s.GetLower(), s.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        quarter = Vector128.Max(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        var blockMax = MathF.Max(quarter.ToScalar(), quarter.GetElement(1));
        Rescale(blockMax, ref max, ref sum, accumulator);
        var p = Vector512.Exp(s - Vector512.Create(max));
        sum += Vector512.Sum(p);
        p.CopyTo(scores);
    }

    /// <summary>Online softmax: when a block raises the running max, rescales the sum and accumulator to the new max.</summary>
    private static void Rescale(float blockMax, ref float max, ref float sum, Span<float> accumulator)
    {
        if (blockMax > max)
        {
            var correction = MathF.Exp(max - blockMax);
            sum *= correction;
            max = blockMax;
            if (Vector512.IsHardwareAccelerated && accumulator.Length % Vector512<float>.Count == 0)
            {
                // NOTE: in place rather than a TensorPrimitives call, whose fixed overhead is large next to 4-8 vector
                // multiplies (this runs whenever a block raises the running max); same products.
                ref var start = ref MemoryMarshal.GetReference(accumulator);
                for (var d = 0; d < accumulator.Length; d += Vector512<float>.Count)
                {
                    (Vector512.LoadUnsafe(ref start, (nuint)d) * correction).StoreUnsafe(ref start, (nuint)d);
                }

                return;
            }

            TensorPrimitives.Multiply(accumulator, correction, accumulator);
        }
    }

    /// <summary>
    /// <c>scores[j] = scale · q·K[:, j]</c> for the block's positions j &lt; <paramref name="count"/>, with keys
    /// <c>[headDim, scores.Length]</c>: each head dimension d adds <c>q[d] · K[d, j]</c> to all positions at once, into four
    /// partial sums by d mod 4 (so consecutive FMAs do not wait on each other), added as ((0 + 1) + (2 + 3)). Every lane goes
    /// through the same operations as the one-by-one loop, so a score does not depend on which of the two computed it.
    /// </summary>
    internal static void Scores(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, float scale, int count, Span<float> scores)
    {
        var blockSize = scores.Length;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Vector256<float>.Count <= blockSize && j < count; j += Vector256<float>.Count)
            {
                Scores8(q, keys, blockSize, j, scale).CopyTo(scores[j..]);
            }
        }

        for (; j < count; j++)
        {
            float p0 = 0, p1 = 0, p2 = 0, p3 = 0;
            var d = 0;
            for (; d + 4 <= q.Length; d += 4)
            {
                p0 = MathF.FusedMultiplyAdd(q[d], keys[(d * blockSize) + j], p0);
                p1 = MathF.FusedMultiplyAdd(q[d + 1], keys[((d + 1) * blockSize) + j], p1);
                p2 = MathF.FusedMultiplyAdd(q[d + 2], keys[((d + 2) * blockSize) + j], p2);
                p3 = MathF.FusedMultiplyAdd(q[d + 3], keys[((d + 3) * blockSize) + j], p3);
            }

            if (d < q.Length)
            {
                p0 = MathF.FusedMultiplyAdd(q[d], keys[(d * blockSize) + j], p0);
            }

            if (d + 1 < q.Length)
            {
                p1 = MathF.FusedMultiplyAdd(q[d + 1], keys[((d + 1) * blockSize) + j], p1);
            }

            if (d + 2 < q.Length)
            {
                p2 = MathF.FusedMultiplyAdd(q[d + 2], keys[((d + 2) * blockSize) + j], p2);
            }

            scores[j] = ((p0 + p1) + (p2 + p3)) * scale;
        }
    }

    /// <summary><see cref="Scores"/> for the 8 positions from <paramref name="j"/>.</summary>
    private static Vector256<float> Scores8(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int blockSize, int j, float scale)
    {
        // NOTE: q and the key row advance by reference, so the loop body is loads and FMAs rather than index arithmetic.
        ref var qd = ref MemoryMarshal.GetReference(q);
        ref var k = ref Unsafe.Add(ref MemoryMarshal.GetReference(keys), j);
        nuint stride = (nuint)blockSize, stride2 = 2 * stride, stride3 = 3 * stride;
        Vector256<float> p0 = default, p1 = default, p2 = default, p3 = default;
        var d = 0;
        for (; d + 4 <= q.Length; d += 4)
        {
            p0 = Vector256.FusedMultiplyAdd(Vector256.Create(qd), Vector256.LoadUnsafe(ref k), p0);
            p1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref qd, 1)), Vector256.LoadUnsafe(ref k, stride), p1);
            p2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref qd, 2)), Vector256.LoadUnsafe(ref k, stride2), p2);
            p3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref qd, 3)), Vector256.LoadUnsafe(ref k, stride3), p3);
            qd = ref Unsafe.Add(ref qd, 4);
            k = ref Unsafe.Add(ref k, 4 * stride);
        }

        if (d < q.Length)
        {
            p0 = Vector256.FusedMultiplyAdd(Vector256.Create(qd), Vector256.LoadUnsafe(ref k), p0);
        }

        if (d + 1 < q.Length)
        {
            p1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref qd, 1)), Vector256.LoadUnsafe(ref k, stride), p1);
        }

        if (d + 2 < q.Length)
        {
            p2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref qd, 2)), Vector256.LoadUnsafe(ref k, stride2), p2);
        }

        return ((p0 + p1) + (p2 + p3)) * Vector256.Create(scale);
    }

    /// <summary><c>accumulator += Σ_j weights[j] · values[j]</c>, j in order, each 16-wide slice of the accumulator in a
    /// register across all keys of the block. Four slices at a time: one slice's FMAs depend on each other, so a lone
    /// slice waits out the FMA latency at every key (this loop was most of a prefill's attention time).</summary>
    private static void AccumulateVector512(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, Span<float> accumulator)
    {
        const int Lanes = 16;
        var headDim = accumulator.Length;
        ref var valueStart = ref MemoryMarshal.GetReference(values);
        ref var accStart = ref MemoryMarshal.GetReference(accumulator);
        var d = 0;
        for (; d + (4 * Lanes) <= headDim; d += 4 * Lanes)
        {
            var acc0 = Vector512.LoadUnsafe(ref accStart, (nuint)d);
            var acc1 = Vector512.LoadUnsafe(ref accStart, (nuint)(d + Lanes));
            var acc2 = Vector512.LoadUnsafe(ref accStart, (nuint)(d + (2 * Lanes)));
            var acc3 = Vector512.LoadUnsafe(ref accStart, (nuint)(d + (3 * Lanes)));
            for (var j = 0; j < weights.Length; j++)
            {
                var weight = Vector512.Create(weights[j]);
                ref var row = ref Unsafe.Add(ref valueStart, (j * headDim) + d);
                acc0 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref row), acc0);
                acc1 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref row, Lanes), acc1);
                acc2 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref row, 2 * Lanes), acc2);
                acc3 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref row, 3 * Lanes), acc3);
            }

            acc0.StoreUnsafe(ref accStart, (nuint)d);
            acc1.StoreUnsafe(ref accStart, (nuint)(d + Lanes));
            acc2.StoreUnsafe(ref accStart, (nuint)(d + (2 * Lanes)));
            acc3.StoreUnsafe(ref accStart, (nuint)(d + (3 * Lanes)));
        }

        for (; d < headDim; d += Lanes)
        {
            var acc = Vector512.LoadUnsafe(ref accStart, (nuint)d);
            for (var j = 0; j < weights.Length; j++)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), Vector512.LoadUnsafe(ref valueStart, (nuint)((j * headDim) + d)), acc);
            }

            acc.StoreUnsafe(ref accStart, (nuint)d);
        }
    }

    /// <summary>Asks for the next block's keys and values while this one is computed: blocks are scattered over the pool,
    /// so the hardware prefetcher cannot guess them.</summary>
    private static void Prefetch(KVCacheStorage cache, int layer, int block, int kvHead)
    {
        if ((uint)block >= (uint)cache.NumBlocks || !Sse.IsSupported)
        {
            return;
        }

        var bytes = cache.BlockSize * cache.HeadDim * cache.ElementBytes;
        byte* keys = cache.BlockPointer(layer, isValue: false, block, kvHead), values = cache.BlockPointer(layer, isValue: true, block, kvHead);
        for (var offset = 0; offset < bytes; offset += 64)
        {
            Sse.Prefetch0(keys + offset);
            Sse.Prefetch0(values + offset);
        }
    }

    /// <summary>The first <paramref name="count"/> elements of one head's block as floats: in place for F32, converted into
    /// <paramref name="staged"/> for F16.</summary>
    private static ReadOnlySpan<float> Load(KVCacheStorage cache, int layer, bool isValue, int block, int kvHead, int count, Span<float> staged)
    {
        if ((uint)block >= (uint)cache.NumBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(block), $"block {block} is outside the cache");
        }

        var p = cache.BlockPointer(layer, isValue, block, kvHead);
        if (cache.DataType == KVCacheDataType.F32)
        {
            return new ReadOnlySpan<float>(p, count);
        }

        var destination = staged[..count];
        Fp16.ToSingle(new ReadOnlySpan<Half>(p, count), destination);
        return destination;
    }

    private struct Body : IParallelBody
    {
        public KVCacheStorage Cache;
        public int Layer;
        public ForwardBatch Batch;
        public int[] RowSequence;
        public int[] TileStarts;
        public int NumTiles;
        public int TileRows;
        public float[] Query;
        public float[] Output;
        public int NumHeads;
        public int Group;
        public int HeadsPerItem;
        public float Scale;

        public readonly void Invoke(int index)
        {
            // NOTE: tiles in reverse: later rows of a prefill chunk attend to more entries, and the pool hands indices out
            // in order, so the longest tiles start first and the loop ends on short ones (less idle tail).
            var itemsPerTile = NumHeads / HeadsPerItem;
            var tile = NumTiles - 1 - (index / itemsPerTile);
            var firstHead = index % itemsPerTile * HeadsPerItem;
            var first = TileStarts[tile];
            var seq = RowSequence[first];
            var rows = Math.Min(TileRows, Batch.QueryStarts[seq + 1] - first);
            var stride = NumHeads * Cache.HeadDim;
            Tile(Cache, Layer, Batch.BlockTables[seq], Batch.Positions.AsSpan(first, rows), Query.AsSpan(first * stride, rows * stride),
                stride, firstHead, HeadsPerItem, firstHead / Group, Scale, Output.AsSpan(first * stride, rows * stride));
        }
    }
}
