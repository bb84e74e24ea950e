using Serving.Engine.Execution;
using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public class PagedAttentionTests
{
    private const int BlockSize = 4;
    private const int NumKVHeads = 2;

    // NOTE: block sizes 4, 8, 16 and 32 score 0, 1, 2 and 4 groups of 8 positions as vectors (the rest one by one); head
    // dims 6 and 7 leave a remainder after the four partial sums, 48 and 80 after the values' groups of four 16-wide slices.
    [Theory]
    [InlineData(1, 8, BlockSize, KVCacheDataType.F32)]
    [InlineData(4, 8, BlockSize, KVCacheDataType.F32)]
    [InlineData(5, 8, BlockSize, KVCacheDataType.F32)]
    [InlineData(13, 8, BlockSize, KVCacheDataType.F32)]
    [InlineData(13, 8, BlockSize, KVCacheDataType.F16)]
    [InlineData(1, 64, BlockSize, KVCacheDataType.F32)]
    [InlineData(13, 64, BlockSize, KVCacheDataType.F32)]
    [InlineData(16, 128, BlockSize, KVCacheDataType.F16)]
    [InlineData(13, 7, BlockSize, KVCacheDataType.F32)]
    [InlineData(19, 6, 8, KVCacheDataType.F32)]
    [InlineData(30, 64, 8, KVCacheDataType.F16)]
    [InlineData(37, 64, 16, KVCacheDataType.F16)]
    [InlineData(50, 7, 16, KVCacheDataType.F32)]
    [InlineData(100, 64, 32, KVCacheDataType.F32)]
    [InlineData(37, 80, 16, KVCacheDataType.F16)]
    [InlineData(20, 48, 16, KVCacheDataType.F32)]
    public void Row_ScatteredBlocks_MatchesNaiveSoftmaxAttention(int contextLength, int headDim, int blockSize, KVCacheDataType dataType)
    {
        int[] table = [5, 0, 3, 6];
        using var cache = new KVCacheStorage(2, NumKVHeads, headDim, 8, blockSize, dataType);
        var (keys, values) = Fill(cache, layer: 1, table, contextLength, seed: contextLength);
        var query = Vector(new Random(7), headDim, 1.5);
        var destination = new float[headDim];

        PagedAttention.Row(cache, 1, table, contextLength, query, kvHead: 1, scale: 0.35f, destination);

        var expected = Reference(query, keys, values, kvHead: 1, 0.35);
        var tolerance = dataType == KVCacheDataType.F32 ? 1e-5 : 2e-3;
        for (var d = 0; d < headDim; d++)
        {
            Assert.Equal(expected[d], destination[d], tolerance);
        }
    }

    [Fact]
    public void Row_ScoresAround1000_NoOverflowPicksLargestKey()
    {
        int[] table = [2, 1];
        const int HeadDim = 64;
        using var cache = new KVCacheStorage(1, NumKVHeads, HeadDim, 4, BlockSize, KVCacheDataType.F32);
        var (keys, values) = Fill(cache, layer: 0, table, 6, seed: 3);
        var query = keys[4].AsSpan(0, HeadDim).ToArray(); // kvHead 0 of token 4
        var destination = new float[HeadDim];

        PagedAttention.Row(cache, 0, table, 6, query, kvHead: 0, scale: 1000f / query.Sum(q => q * q), destination);

        var winner = Enumerable.Range(0, 6).MaxBy(t => keys[t].Take(HeadDim).Zip(query, (k, q) => k * q).Sum());
        Assert.Equal(values[winner].Take(HeadDim).ToArray(), destination, new FloatTolerance(1e-4f));
    }

    [Theory]
    [InlineData(16, 64, 16)]
    [InlineData(16, 7, 11)]
    [InlineData(32, 64, 20)]
    [InlineData(8, 6, 8)]
    [InlineData(5, 9, 5)]
    public void Scores_EveryWidth_SameOperationsAsScalarOrder(int blockSize, int headDim, int count)
    {
        var random = new Random(blockSize + headDim);
        var query = Vector(random, headDim, 1.0);
        var keys = Vector(random, headDim * blockSize, 1.0); // [headDim, blockSize]
        var scores = new float[blockSize];

        PagedAttention.Scores(query, keys, 0.125f, count, scores);

        for (var j = 0; j < count; j++)
        {
            var partial = new float[4];
            for (var d = 0; d < headDim; d++)
            {
                partial[d % 4] = MathF.FusedMultiplyAdd(query[d], keys[(d * blockSize) + j], partial[d % 4]);
            }

            Assert.Equal(((partial[0] + partial[1]) + (partial[2] + partial[3])) * 0.125f, scores[j]);
        }
    }

    private static (float[][] Keys, float[][] Values) Fill(KVCacheStorage cache, int layer, int[] table, int count, int seed)
    {
        var random = new Random(seed);
        var headDim = cache.HeadDim;
        var keys = new float[count][];
        var values = new float[count][];
        for (var t = 0; t < count; t++)
        {
            keys[t] = Vector(random, NumKVHeads * headDim, 1.0);
            values[t] = Vector(random, NumKVHeads * headDim, 1.0);
            cache.Write(layer, (table[t / cache.BlockSize] * cache.BlockSize) + (t % cache.BlockSize), keys[t], values[t]);
            if (cache.DataType == KVCacheDataType.F16)
            {
                keys[t] = keys[t].Select(v => (float)(Half)v).ToArray();
                values[t] = values[t].Select(v => (float)(Half)v).ToArray();
            }
        }

        return (keys, values);
    }

    private static float[] Vector(Random random, int n, double scale) =>
        Enumerable.Range(0, n).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();

    private static double[] Reference(float[] query, float[][] keys, float[][] values, int kvHead, double scale)
    {
        var headDim = query.Length;
        var scores = keys.Select(k => scale * Enumerable.Range(0, headDim).Sum(d => (double)query[d] * k[(kvHead * headDim) + d])).ToArray();
        var max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        var sum = weights.Sum();
        return Enumerable.Range(0, headDim)
            .Select(d => Enumerable.Range(0, keys.Length).Sum(t => weights[t] * values[t][(kvHead * headDim) + d]) / sum)
            .ToArray();
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
