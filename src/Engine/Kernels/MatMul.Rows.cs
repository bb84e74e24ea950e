namespace Serving.Engine.Kernels;

/// <summary>The loops over a work item's output rows and input rows, shared by all quantized formats.</summary>
public static unsafe partial class MatMul
{
    /// <summary>
    /// Fills <c>y[c, r]</c> for r in [r0, r1), c in [c0, c1). The weight row stays in L1 while every input row of the chunk
    /// is dotted with it, so weights stream from memory once per column chunk.
    /// </summary>
    internal static void Rows<TKernel>(in QuantizedMatMulBody a, int r0, int r1, int c0, int c1, int activationBlock)
        where TKernel : IQuantizedKernel
    {
        var blocks = a.Columns / activationBlock;
        for (var r = r0; r < r1; r++)
        {
            var w = a.Weights + (r * a.RowBytes);
            for (var c = c0; c < c1; c++)
            {
                a.Y[((long)c * a.Rows) + r] = TKernel.Dot(
                    w,
                    a.Quants + ((long)c * a.Columns),
                    a.Scales + ((long)c * blocks),
                    a.Sums + ((long)c * a.Columns / 16),
                    blocks);
            }
        }
    }

    /// <summary>
    /// Portable fallback for CPUs without AVX2/FMA: dequantize the weight row, then
    /// <c>Σ_blocks scale_x · Σ_j w[j] · q_x[j]</c> in float.
    /// </summary>
    internal static void RowsPortable(in QuantizedMatMulBody a, int r0, int r1, int c0, int c1)
    {
        var activationBlock = ActivationFormatOf(a.Type) == ActivationFormat.Q8_0 ? 32 : 256;
        var blocks = a.Columns / activationBlock;
        var row = new float[a.Columns];
        for (var r = r0; r < r1; r++)
        {
            Dequantize.Row(a.Type, new ReadOnlySpan<byte>(a.Weights + (r * a.RowBytes), checked((int)a.RowBytes)), row);
            for (var c = c0; c < c1; c++)
            {
                var quants = a.Quants + ((long)c * a.Columns);
                var scales = a.Scales + ((long)c * blocks);
                var sum = 0f;
                for (var b = 0; b < blocks; b++)
                {
                    var blockSum = 0f;
                    for (var j = b * activationBlock; j < (b + 1) * activationBlock; j++)
                    {
                        blockSum += row[j] * quants[j];
                    }

                    sum += scales[b] * blockSum;
                }

                a.Y[((long)c * a.Rows) + r] = sum;
            }
        }
    }
}
