using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Serving.Engine.Execution;

namespace Serving.Engine.Kernels;

/// <summary>Causal attention of query rows against a paged K/V cache: for each row and head,
/// <c>destination = Σ_j softmax_j(scale · q·K[j]) V[j]</c> over the row's sequence's first <c>position + 1</c> cache entries,
/// found through the sequence's block table.</summary>
/// <remarks>
/// Work is split into tiles: up to <c>TileRows</c> consecutive rows of one sequence × the query heads that share one KV
/// head (grouped-query attention). A tile reads (and, for F16, converts) each K/V block once for all its rows and heads;
/// when there are too few tiles to keep the threads busy (decode), each query head becomes its own item instead.
/// Softmax is online, block by block (running max, rescaled sum and accumulator), so no buffer of context-length scores is
/// needed and large scores never overflow. Each (row, head) goes through exactly the same operations in the same order
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

        // NOTE: few tiles (a decode of one or two sequences) would leave threads idle, so then each query head is its own
        // item; a head's arithmetic is the same either way, so this choice never changes a result.
        var headsPerItem = numTiles * cache.NumKVHeads < 4 * pool.Threads ? 1 : group;
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
            var keys = Load(cache, layer, isValue: false, blockTable[b], kvHead, n * headDim, stagedKeys);
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

    /// <summary>Folds the first <paramref name="count"/> keys/values of one block into one (row, head)'s online-softmax state.</summary>
    private static void AttendBlock(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int count, float scale,
        ref float max, ref float sum, Span<float> accumulator, Span<float> scores)
    {
        var headDim = q.Length;
        var wide = Vector512.IsHardwareAccelerated && headDim % Vector512<float>.Count == 0;
        if (wide && scores.Length == Vector512<float>.Count)
        {
            AttendBlock16(q, keys, values, count, scale, ref max, ref sum, accumulator, scores);
            return;
        }

        var s = scores[..count];
        if (wide)
        {
            ScoresVector512(q, keys, scale, s);
        }
        else
        {
            for (var j = 0; j < count; j++)
            {
                s[j] = TensorPrimitives.Dot(q, keys.Slice(j * headDim, headDim)) * scale;
            }
        }

        var blockMax = TensorPrimitives.Max(s);
        Rescale(blockMax, ref max, ref sum, accumulator);
        TensorPrimitives.Subtract(s, max, s);
        TensorPrimitives.Exp(s, s);
        sum += TensorPrimitives.Sum(s);
        if (wide)
        {
            AccumulateVector512(values, s, accumulator);
            return;
        }

        for (var j = 0; j < count; j++)
        {
            TensorPrimitives.MultiplyAdd(values.Slice(j * headDim, headDim), s[j], accumulator, accumulator);
        }
    }

    /// <summary>
    /// <see cref="AttendBlock"/> for blocks of 16 (the default): the block's scores are one 512-bit vector, so the max, exp and
    /// sum run in registers instead of five span calls on 16 floats (most of a decode step's attention time). Lanes past
    /// <paramref name="count"/> score -∞, which exp turns into 0.
    /// </summary>
    private static void AttendBlock16(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int count, float scale,
        ref float max, ref float sum, Span<float> accumulator, Span<float> scores)
    {
        ScoresVector512(q, keys, scale, scores[..count]);
        var valid = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
        var s = Vector512.ConditionalSelect(valid, Vector512.Create(scores), Vector512.Create(float.NegativeInfinity));
        var half = Vector256.Max(s.GetLower(), s.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        quarter = Vector128.Max(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        var blockMax = MathF.Max(quarter.ToScalar(), quarter.GetElement(1));
        Rescale(blockMax, ref max, ref sum, accumulator);
        var p = Vector512.Exp(s - Vector512.Create(max));
        sum += Vector512.Sum(p);
        p.CopyTo(scores);
        AccumulateVector512(values, scores[..count], accumulator);
    }

    /// <summary>Online softmax: when a block raises the running max, rescales the sum and accumulator to the new max.</summary>
    private static void Rescale(float blockMax, ref float max, ref float sum, Span<float> accumulator)
    {
        if (blockMax > max)
        {
            var correction = MathF.Exp(max - blockMax);
            sum *= correction;
            TensorPrimitives.Multiply(accumulator, correction, accumulator);
            max = blockMax;
        }
    }

    /// <summary><c>scores[j] = scale · q·keys[j]</c> with the head dimension a multiple of 16: no per-key call overhead, which
    /// dominates at head sizes of 64-128.</summary>
    private static void ScoresVector512(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, float scale, Span<float> scores)
    {
        var headDim = q.Length;
        ref var qStart = ref MemoryMarshal.GetReference(q);
        ref var keyStart = ref MemoryMarshal.GetReference(keys);
        for (var j = 0; j < scores.Length; j++)
        {
            ref var key = ref Unsafe.Add(ref keyStart, j * headDim);
            var acc = Vector512<float>.Zero;
            for (var d = 0; d < headDim; d += Vector512<float>.Count)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref qStart, (nuint)d), Vector512.LoadUnsafe(ref key, (nuint)d), acc);
            }

            scores[j] = Vector512.Sum(acc) * scale;
        }
    }

    /// <summary><c>accumulator += Σ_j weights[j] · values[j]</c>, one 16-wide slice of the accumulator in a register across
    /// all keys of the block.</summary>
    private static void AccumulateVector512(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, Span<float> accumulator)
    {
        var headDim = accumulator.Length;
        ref var valueStart = ref MemoryMarshal.GetReference(values);
        ref var accStart = ref MemoryMarshal.GetReference(accumulator);
        for (var d = 0; d < headDim; d += Vector512<float>.Count)
        {
            var acc = Vector512.LoadUnsafe(ref accStart, (nuint)d);
            for (var j = 0; j < weights.Length; j++)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), Vector512.LoadUnsafe(ref valueStart, (nuint)((j * headDim) + d)), acc);
            }

            acc.StoreUnsafe(ref accStart, (nuint)d);
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
