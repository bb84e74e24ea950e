using Serving.Engine.Gguf;
using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public sealed class MatMulTests : IDisposable
{
    private readonly WorkerPool _pool = new(2);

    public static TheoryData<GgmlType, int> TypesAndBatchSizes()
    {
        var data = new TheoryData<GgmlType, int>();
        foreach (var type in KernelTestData.AllTypes)
        {
            foreach (var n in new[] { 1, 2, 3, 7, 16 })
            {
                data.Add(type, n);
            }
        }

        return data;
    }

    public static TheoryData<GgmlType> Types() => KernelTestData.Types();

    public void Dispose() => _pool.Dispose();

    /// <summary>
    /// Exact path vs float64 over the dequantized weights. Tolerance: 1e-5 of Σ|w·x| (float32 accumulation of 512 terms
    /// stays well inside it).
    /// </summary>
    [Theory]
    [MemberData(nameof(TypesAndBatchSizes))]
    public void MultiplyExact_RandomWeights_MatchesFloat64Reference(GgmlType type, int n)
    {
        const int rows = 37;
        var columns = ColumnsFor(type);
        var (w, _) = KernelTestData.RandomMatrix(type, rows, columns, seed: 1);
        var x = KernelTestData.RandomFloats(n * columns, seed: 2);
        var y = new float[n * rows];

        MatMul.MultiplyExact(w, x, n, y, _pool);

        AssertMatchesReference(w, n, y, i => Array.ConvertAll(x[(i * columns)..((i + 1) * columns)], v => (double)v));
    }

    /// <summary>
    /// 8-bit-activation path vs float64 over the dequantized weights and the activations rounded as ggml rounds them
    /// (independent scalar rounding in <see cref="KernelTestData.RoundActivations"/>); the integer dot products are exact, so
    /// the same 1e-5 of Σ|w·x| holds.
    /// </summary>
    [Theory]
    [MemberData(nameof(TypesAndBatchSizes))]
    public void Multiply_RandomWeights_MatchesFloat64ReferenceWithRoundedActivations(GgmlType type, int n)
    {
        const int rows = 37;
        var columns = ColumnsFor(type);
        var (w, _) = KernelTestData.RandomMatrix(type, rows, columns, seed: 3);
        var x = KernelTestData.RandomFloats(n * columns, seed: 4, scale: 3f);
        var y = new float[n * rows];

        MatMul.Multiply(w, x, n, y, _pool);

        AssertMatchesReference(w, n, y, i => KernelTestData.RoundActivations(type, x.AsSpan(i * columns, columns)),
            (i, r) => KernelTestData.MinsCorrection(type, w.RowSpan(r), x.AsSpan(i * columns, columns)));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Multiply_RowInsideBatchOf13_BitIdenticalToAlone(GgmlType type)
    {
        const int rows = 300, n = 13, position = 5;
        var columns = ColumnsFor(type) + 256;
        var (w, _) = KernelTestData.RandomMatrix(type, rows, columns, seed: 5);
        var batch = KernelTestData.RandomFloats(n * columns, seed: 6);
        var alone = batch.AsSpan(position * columns, columns).ToArray();
        var yBatch = new float[n * rows];
        var yAlone = new float[rows];

        MatMul.Multiply(w, batch, n, yBatch, _pool);
        MatMul.Multiply(w, alone, 1, yAlone, _pool);
        Assert.Equal(yAlone, yBatch.AsSpan(position * rows, rows).ToArray());

        MatMul.MultiplyExact(w, batch, n, yBatch, _pool);
        MatMul.MultiplyExact(w, alone, 1, yAlone, _pool);
        Assert.Equal(yAlone, yBatch.AsSpan(position * rows, rows).ToArray());
    }

    /// <summary>300 input rows of 1024 columns exceed one activation chunk, so the work splits over input rows as well.</summary>
    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.F16)]
    public void Multiply_ManyInputRows_MatchesFloat64Reference(GgmlType type)
    {
        const int rows = 9, columns = 1024, n = 300;
        var (w, _) = KernelTestData.RandomMatrix(type, rows, columns, seed: 12);
        var x = KernelTestData.RandomFloats(n * columns, seed: 13);
        var y = new float[n * rows];

        MatMul.Multiply(w, x, n, y, _pool);

        AssertMatchesReference(w, n, y, i => KernelTestData.RoundActivations(type, x.AsSpan(i * columns, columns)),
            (i, r) => KernelTestData.MinsCorrection(type, w.RowSpan(r), x.AsSpan(i * columns, columns)));
    }

    /// <summary>17 blocks per row: the last group of 8 holds a single (even) block with no odd partner.</summary>
    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q5_0)]
    [InlineData(GgmlType.Q4_1)]
    [InlineData(GgmlType.Q5_1)]
    public void Multiply_OddBlockCount_MatchesReferenceAndIsBatchInvariant(GgmlType type)
    {
        const int rows = 11, columns = 17 * 32, n = 8, position = 5;
        var (w, _) = KernelTestData.RandomMatrix(type, rows, columns, seed: 16);
        var x = KernelTestData.RandomFloats(n * columns, seed: 17, scale: 3f);
        var y = new float[n * rows];
        var yAlone = new float[rows];

        MatMul.Multiply(w, x, n, y, _pool);
        MatMul.Multiply(w, x.AsSpan(position * columns, columns), 1, yAlone, _pool);

        AssertMatchesReference(w, n, y, i => KernelTestData.RoundActivations(type, x.AsSpan(i * columns, columns)),
            (i, r) => KernelTestData.MinsCorrection(type, w.RowSpan(r), x.AsSpan(i * columns, columns)));
        Assert.Equal(yAlone, y.AsSpan(position * rows, rows).ToArray());
    }

    /// <summary>43 columns: the 16-value vector loop, then a scalar tail of 11 (tiny models have rows of 8).</summary>
    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.BF16)]
    public void Multiply_FloatWeightsWithTail_MatchesReferenceAndIsBatchInvariant(GgmlType type)
    {
        const int rows = 11, columns = 43, n = 7, position = 5;
        var (w, _) = KernelTestData.RandomMatrix(type, rows, columns, seed: 14);
        var x = KernelTestData.RandomFloats(n * columns, seed: 15);
        var y = new float[n * rows];
        var yAlone = new float[rows];

        MatMul.Multiply(w, x, n, y, _pool);
        MatMul.Multiply(w, x.AsSpan(position * columns, columns), 1, yAlone, _pool);

        AssertMatchesReference(w, n, y, i => Array.ConvertAll(x[(i * columns)..((i + 1) * columns)], v => (double)v));
        Assert.Equal(yAlone, y.AsSpan(position * rows, rows).ToArray());
    }

    /// <summary>One quantization and one parallel loop for Q/K/V-shaped products must not change a bit of any output,
    /// including for mixed formats that share an activation format (Q4_K with Q6_K, as in Q4_K_M files) and ones that do
    /// not (Q8_0 with Q4_K), which fall back to separate products.</summary>
    [Theory]
    [InlineData(GgmlType.Q8_0, GgmlType.Q8_0, GgmlType.Q8_0, 1)]
    [InlineData(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q8_0, 16)]
    [InlineData(GgmlType.Q4_K, GgmlType.Q4_K, GgmlType.Q6_K, 7)]
    [InlineData(GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.F16, 3)]
    public void MultiplyShared_EachOutputBitIdenticalToItsOwnMultiply(GgmlType t0, GgmlType t1, GgmlType t2, int n)
    {
        const int columns = 512;
        var (w0, bytes0) = KernelTestData.RandomMatrix(t0, 300, columns, seed: 21);
        var (w1, bytes1) = KernelTestData.RandomMatrix(t1, 64, columns, seed: 22);
        var (w2, bytes2) = KernelTestData.RandomMatrix(t2, 65, columns, seed: 23);
        var x = KernelTestData.RandomFloats(n * columns, seed: 24);
        float[] y0 = new float[n * 300], y1 = new float[n * 64], y2 = new float[n * 65];

        MatMul.MultiplyShared(x, n, _pool, w0, y0, w1, y1, w2, y2);

        foreach (var (w, y) in new[] { (w0, y0), (w1, y1), (w2, y2) })
        {
            var alone = new float[y.Length];
            MatMul.Multiply(w, x, n, alone, _pool);
            Assert.Equal(alone, y);
        }

        GC.KeepAlive((bytes0, bytes1, bytes2)); // the matrices point into these pinned arrays
    }

    [Fact]
    public void MultiplyShared_TwoProducts_BitIdenticalToTheirOwnMultiply()
    {
        const int n = 5, columns = 576;
        var (w0, bytes0) = KernelTestData.RandomMatrix(GgmlType.Q8_0, 96, columns, seed: 25);
        var (w1, bytes1) = KernelTestData.RandomMatrix(GgmlType.Q8_0, 97, columns, seed: 26);
        var x = KernelTestData.RandomFloats(n * columns, seed: 27);
        float[] y0 = new float[n * 96], y1 = new float[n * 97], alone0 = new float[n * 96], alone1 = new float[n * 97];

        MatMul.MultiplyShared(x, n, _pool, w0, y0, w1, y1);
        MatMul.Multiply(w0, x, n, alone0, _pool);
        MatMul.Multiply(w1, x, n, alone1, _pool);

        Assert.Equal(alone0, y0);
        Assert.Equal(alone1, y1);
        GC.KeepAlive((bytes0, bytes1));
    }

    [Fact]
    public void Multiply_SingleThreadPool_SameBitsAsTwoThreads()
    {
        const int rows = 200, columns = 512, n = 3;
        var (w, _) = KernelTestData.RandomMatrix(GgmlType.Q4_K, rows, columns, seed: 7);
        var x = KernelTestData.RandomFloats(n * columns, seed: 8);
        var y1 = new float[n * rows];
        var y2 = new float[n * rows];
        using var single = new WorkerPool(1);

        MatMul.Multiply(w, x, n, y1, single);
        MatMul.Multiply(w, x, n, y2, _pool);

        Assert.Equal(y1, y2);
    }

    [Fact]
    public void Multiply_ZeroInput_ZeroOutput()
    {
        var (w, _) = KernelTestData.RandomMatrix(GgmlType.Q6_K, 8, 256, seed: 9);
        var y = new float[8];
        Array.Fill(y, float.NaN);

        MatMul.Multiply(w, new float[256], 1, y, _pool);

        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Multiply_ShortOutput_Throws()
    {
        var (w, _) = KernelTestData.RandomMatrix(GgmlType.Q8_0, 8, 64, seed: 10);

        Assert.Throws<ArgumentException>(() => MatMul.Multiply(w, new float[128], 2, new float[15], _pool));
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(w, new float[127], 2, new float[16], _pool));
    }

    [Fact]
    public void Multiply_OverlappingInputAndOutput_Throws()
    {
        var (w, _) = KernelTestData.RandomMatrix(GgmlType.F32, 8, 8, seed: 11);
        var buffer = new float[16];

        Assert.Throws<ArgumentException>(() => MatMul.Multiply(w, buffer, 1, buffer.AsSpan(4), _pool));
    }

    /// <summary>
    /// SmolLM2's 576 (18 blocks of 32: two full groups of 8 scales and a partial one) where the format allows it, else 512
    /// (two 256-value super-blocks).
    /// </summary>
    private static int ColumnsFor(GgmlType type) => type is GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K ? 512 : 576;

    private static void AssertMatchesReference(WeightMatrix w, int n, float[] y, Func<int, double[]> input, Func<int, int, double>? correction = null)
    {
        var row = new float[w.Columns];
        for (var i = 0; i < n; i++)
        {
            var x = input(i);
            for (var r = 0; r < w.Rows; r++)
            {
                w.DequantizeRow(r, row);
                double expected = 0, magnitude = 0;
                for (var k = 0; k < w.Columns; k++)
                {
                    expected += row[k] * x[k];
                    magnitude += Math.Abs(row[k] * x[k]);
                }

                expected += correction?.Invoke(i, r) ?? 0;
                var actual = y[(i * w.Rows) + r];
                Assert.True(
                    Math.Abs(actual - expected) <= (1e-5 * magnitude) + 1e-12,
                    $"{w.Type} row {i} output {r}: {actual} vs {expected} (Σ|w·x| = {magnitude})");
            }
        }
    }
}
