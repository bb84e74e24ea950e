using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Serving.Engine.Kernels;

/// <summary>The loops over a work item's output rows and input rows, shared by all quantized formats.</summary>
public static unsafe partial class MatMul
{
    /// <summary>
    /// Fills <c>y[c, r]</c> for r in [r0, r1), c in [c0, c1): four input rows at a time share each weight block load
    /// (<see cref="IQuantizedKernel.Dot4"/>), the rest go one by one. The weight row stays in L1 across the chunk's input
    /// rows, so weights stream from memory once per column chunk.
    /// </summary>
    [SkipLocalsInit]
    internal static void Rows<TKernel>(in QuantizedMatMulBody a, int r0, int r1, int c0, int c1)
        where TKernel : IQuantizedKernel
    {
        var x = new ActivationRows(a.Activations, a.Columns, TKernel.ActivationBlock);
        var blocks = a.Columns / TKernel.ActivationBlock;
        var rowScratch = stackalloc float[TKernel.RowScratchFloats(blocks)];
        for (var r = r0; r < r1; r++)
        {
            var w = a.Weights + (r * a.RowBytes);
            TKernel.PrepareRow(w, blocks, rowScratch);
            var c = c0;
            for (; c + 4 <= c1; c += 4)
            {
                var y4 = TKernel.Dot4(w, rowScratch, x, c, blocks);
                a.Y[((long)c * a.Rows) + r] = y4.GetElement(0);
                a.Y[((long)(c + 1) * a.Rows) + r] = y4.GetElement(1);
                a.Y[((long)(c + 2) * a.Rows) + r] = y4.GetElement(2);
                a.Y[((long)(c + 3) * a.Rows) + r] = y4.GetElement(3);
            }

            for (; c < c1; c++)
            {
                a.Y[((long)c * a.Rows) + r] = TKernel.Dot(w, rowScratch, x, c, blocks);
            }
        }
    }

    /// <summary>
    /// Portable fallback for CPUs without AVX2/FMA: dequantize the weight row, then
    /// <c>Σ_blocks scale_x · Σ_j w[j] · q_x[j]</c> in float.
    /// </summary>
    internal static void RowsPortable(in QuantizedMatMulBody a, int r0, int r1, int c0, int c1)
    {
        var activationBlock = ActivationFormatOf(a.Type) == ActivationFormat.Q8_K ? 256 : 32;
        var x = new ActivationRows(a.Activations, a.Columns, activationBlock);
        var blocks = a.Columns / activationBlock;
        var row = ExactMatMulBody.RowBuffer(a.Columns);
        for (var r = r0; r < r1; r++)
        {
            Dequantize.Row(a.Type, new ReadOnlySpan<byte>(a.Weights + (r * a.RowBytes), checked((int)a.RowBytes)), row);
            for (var c = c0; c < c1; c++)
            {
                var quants = x.Quants(c);
                var scales = x.Scales(c);
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
