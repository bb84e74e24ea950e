using Serving.Engine.Gguf;
using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public class WeightMatrixTests
{
    /// <summary>
    /// Dequantizes every quantized tensor of the llama.cpp-quantized files and compares it with the same tensor of the F32
    /// file it was made from. Relative RMS error bounds come from the formats' step sizes on Gaussian-like weights
    /// (Q4_0 ≈ 0.08, Q4_K ≈ 0.05, Q5_K ≈ 0.03, Q6_K ≈ 0.015, Q8_0 ≈ 0.005) with headroom; a layout bug scrambles values and
    /// lands near 1.4.
    /// </summary>
    [Theory]
    [InlineData("kq-llama-256d-q4_0.gguf", GgmlType.Q4_0, 0.1)]
    [InlineData("kq-llama-256d-q4_k_m.gguf", GgmlType.Q4_K, 0.1)]
    [InlineData("kq-llama-256d-q5_k_m.gguf", GgmlType.Q5_K, 0.05)]
    [InlineData("kq-llama-256d-q6_k.gguf", GgmlType.Q6_K, 0.03)]
    [InlineData("kq-llama-256d-q8_0.gguf", GgmlType.Q8_0, 0.01)]
    public void DequantizeRow_RealQuantizedFile_MatchesF32ModelWithinQuantizationError(string file, GgmlType type, double maxRelativeRms)
    {
        using var quantized = GgufFile.Open(SharedData.Model(file));
        using var reference = GgufFile.Open(SharedData.Model("kq-llama-256d-f32.gguf"));
        var checkedTypes = new HashSet<GgmlType>();
        foreach (var tensor in quantized.Tensors.Where(t => t.Type != GgmlType.F32))
        {
            var w = WeightMatrix.FromTensor(quantized, tensor);
            var f32 = WeightMatrix.FromTensor(reference, reference.FindTensor(tensor.Name)!);
            Assert.Equal((f32.Rows, f32.Columns), (w.Rows, w.Columns));
            var row = new float[w.Columns];
            var expected = new float[w.Columns];
            double error = 0, energy = 0;
            for (var r = 0; r < w.Rows; r++)
            {
                w.DequantizeRow(r, row);
                f32.DequantizeRow(r, expected);
                for (var k = 0; k < row.Length; k++)
                {
                    error += (row[k] - expected[k]) * (double)(row[k] - expected[k]);
                    energy += expected[k] * (double)expected[k];
                }
            }

            var limit = tensor.Type == type ? maxRelativeRms : 0.03; // the Q6_K tensors llama.cpp keeps at higher precision
            var relativeRms = Math.Sqrt(error / energy);
            Assert.True(relativeRms < limit, $"{tensor.Name} ({tensor.Type}): relative RMS {relativeRms}");
            checkedTypes.Add(tensor.Type);
        }

        Assert.Contains(type, checkedTypes);
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 48)]
    [InlineData(GgmlType.Q4_K, 576)]
    [InlineData(GgmlType.Q6_K, 128)]
    public unsafe void Constructor_ColumnsNotWholeBlocks_Throws(GgmlType type, int columns)
    {
        var data = stackalloc byte[1];

        var e = Assert.Throws<ArgumentException>(() => new WeightMatrix(type, 1, columns, data));

        Assert.Contains(type.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public unsafe void Constructor_UnsupportedType_Throws()
    {
        var data = stackalloc byte[1];

        Assert.Throws<NotSupportedException>(() => new WeightMatrix(GgmlType.Q2_K, 1, 256, data));
    }

    [Fact]
    public void FromTensor_UnsupportedType_ThrowsNamingTensorAndType()
    {
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));
        var tensor = file.Tensors[0] with { Type = GgmlType.IQ4_NL, Name = "blk.0.fake" };

        var e = Assert.Throws<NotSupportedException>(() => WeightMatrix.FromTensor(file, tensor));

        Assert.Contains("blk.0.fake", e.Message, StringComparison.Ordinal);
        Assert.Contains("IQ4_NL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTensor_F16Matrix_RowsAndColumnsFromGgmlDimensions()
    {
        using var file = GgufFile.Open(SharedData.Model("llama-2-tiny-random.gguf"));
        var tensor = file.FindTensor("output.weight")!;

        var w = WeightMatrix.FromTensor(file, tensor);

        Assert.Equal((32000, 8, 16L), (w.Rows, w.Columns, w.RowBytes));
        var row = new float[8];
        w.DequantizeRow(31999, row);
        var bytes = file.GetTensorBytes(tensor).Slice(31999 * 16, 16);
        for (var k = 0; k < 8; k++)
        {
            Assert.Equal((float)BitConverter.ToHalf(bytes.Slice(2 * k, 2)), row[k]);
        }
    }
}
