using System.Numerics.Tensors;
using Serving.Engine.Execution;

namespace Serving.Engine.Kernels;

/// <summary>Causal attention of query rows against a paged K/V cache:
/// <c>destination = Σ_j softmax_j(scale · q·K[j]) V[j]</c> over a sequence's first <c>contextLength</c> cache entries,
/// found through its block table.</summary>
internal static unsafe class PagedAttention
{
    /// <summary>All rows and heads of one layer, in parallel over (row, head) pairs. <c>query</c> is
    /// [numTokens, numHeads * headDim], already roped; <c>rowSequence</c> [numTokens] maps each row to its sequence in the
    /// batch; <c>output</c> is [numTokens, numHeads * headDim].</summary>
    public static void Run(KVCacheStorage cache, int layer, ForwardBatch batch, int[] rowSequence, float[] query, float[] output, int numHeads, WorkerPool pool)
    {
        var body = new Body
        {
            Cache = cache,
            Layer = layer,
            Batch = batch,
            RowSequence = rowSequence,
            Query = query,
            Output = output,
            NumHeads = numHeads,
            HeadsPerKVHead = numHeads / cache.NumKVHeads,
            Scale = 1.0f / MathF.Sqrt(cache.HeadDim),
        };
        pool.For(batch.NumTokens * numHeads, ref body);
    }

    /// <summary>One query head of one row.</summary>
    /// <remarks>
    /// Softmax is computed online, one block at a time (running max, rescaled sum and accumulator), so no buffer of
    /// <paramref name="contextLength"/> scores is needed; within a block the scores are exponentiated after subtracting the
    /// running max, so large logits never overflow. The order of operations depends only on this row, never on the batch.
    /// </remarks>
    public static void Row(KVCacheStorage cache, int layer, ReadOnlySpan<int> blockTable, int contextLength, ReadOnlySpan<float> query, int kvHead, float scale, Span<float> destination)
    {
        int headDim = cache.HeadDim, blockSize = cache.BlockSize;
        if (query.Length != headDim || destination.Length != headDim || contextLength <= 0 || (contextLength + blockSize - 1) / blockSize > blockTable.Length)
        {
            throw new ArgumentException("query and destination must be one head, and the block table must cover the context");
        }

        Span<float> scores = stackalloc float[blockSize];
        Span<float> staged = cache.DataType == KVCacheDataType.F16 ? stackalloc float[blockSize * headDim] : default;
        destination.Clear();
        var max = float.NegativeInfinity;
        var sum = 0f;
        for (int b = 0, start = 0; start < contextLength; b++, start += blockSize)
        {
            var n = Math.Min(blockSize, contextLength - start);
            var block = blockTable[b];
            var s = scores[..n];
            var keys = Load(cache, layer, isValue: false, block, kvHead, n * headDim, staged);
            for (var j = 0; j < n; j++)
            {
                s[j] = TensorPrimitives.Dot(query, keys.Slice(j * headDim, headDim)) * scale;
            }

            var blockMax = TensorPrimitives.Max(s);
            if (blockMax > max)
            {
                var correction = MathF.Exp(max - blockMax);
                sum *= correction;
                TensorPrimitives.Multiply(destination, correction, destination);
                max = blockMax;
            }

            TensorPrimitives.Subtract(s, max, s);
            TensorPrimitives.Exp(s, s);
            sum += TensorPrimitives.Sum(s);
            var values = Load(cache, layer, isValue: true, block, kvHead, n * headDim, staged);
            for (var j = 0; j < n; j++)
            {
                TensorPrimitives.MultiplyAdd(values.Slice(j * headDim, headDim), s[j], destination, destination);
            }
        }

        TensorPrimitives.Multiply(destination, 1.0f / sum, destination);
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
        TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(p, count), destination);
        return destination;
    }

    private struct Body : IParallelBody
    {
        public KVCacheStorage Cache;
        public int Layer;
        public ForwardBatch Batch;
        public int[] RowSequence;
        public float[] Query;
        public float[] Output;
        public int NumHeads;
        public int HeadsPerKVHead;
        public float Scale;

        public readonly void Invoke(int index)
        {
            // NOTE: rows in reverse: later rows of a prefill chunk attend to more entries, and the pool hands indices out
            // in order, so the longest items start first and the loop ends on short ones (less idle tail).
            var row = Batch.NumTokens - 1 - (index / NumHeads);
            var head = index % NumHeads;
            var headDim = Cache.HeadDim;
            var offset = ((row * NumHeads) + head) * headDim;
            Row(Cache, Layer, Batch.BlockTables[RowSequence[row]], Batch.Positions[row] + 1, Query.AsSpan(offset, headDim),
                head / HeadsPerKVHead, Scale, Output.AsSpan(offset, headDim));
        }
    }
}
