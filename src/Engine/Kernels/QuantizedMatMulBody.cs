using System.Runtime.Intrinsics.X86;
using Serving.Engine.Gguf;

namespace Serving.Engine.Kernels;

/// <summary>One <see cref="MatMul.Multiply"/> call on quantized weights, cut into work items by a <see cref="MatMul.WorkPlan"/>.</summary>
internal readonly unsafe struct QuantizedMatMulBody : IParallelBody
{
    public QuantizedMatMulBody(WeightMatrix w, ActivationScratch activations, int n, float* y, MatMul.WorkPlan plan)
    {
        Type = w.Type;
        Weights = w.Data;
        RowBytes = w.RowBytes;
        Rows = w.Rows;
        Columns = w.Columns;
        Activations = activations;
        N = n;
        Y = y;
        Plan = plan;
    }

    public GgmlType Type { get; }

    public byte* Weights { get; }

    public long RowBytes { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The N quantized input rows.</summary>
    public ActivationScratch Activations { get; }

    public int N { get; }

    /// <summary>[N, Rows] output.</summary>
    public float* Y { get; }

    public MatMul.WorkPlan Plan { get; }

    public void Invoke(int index)
    {
        var r0 = index / Plan.ColumnChunks * Plan.RowsPerChunk;
        var r1 = Math.Min(Rows, r0 + Plan.RowsPerChunk);
        var c0 = index % Plan.ColumnChunks * Plan.ColumnsPerChunk;
        var c1 = Math.Min(N, c0 + Plan.ColumnsPerChunk);
        if (!(Avx2.IsSupported && Fma.IsSupported))
        {
            MatMul.RowsPortable(this, r0, r1, c0, c1);
            return;
        }

        switch (Type)
        {
            case GgmlType.Q8_0:
                MatMul.Rows<MatMul.Q8Kernel<MatMul.Q8_0Blocks>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q4_0:
                MatMul.Rows<MatMul.Q8Kernel<MatMul.Q4_0Blocks>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q5_0:
                MatMul.Rows<MatMul.Q8Kernel<MatMul.Q5_0Blocks>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q4_1:
                MatMul.Rows<MatMul.Q8Kernel<MatMul.Q4_1Blocks>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q5_1:
                MatMul.Rows<MatMul.Q8Kernel<MatMul.Q5_1Blocks>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q4_K:
                MatMul.Rows<MatMul.K4Kernel<MatMul.Q4_KValues>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q5_K:
                MatMul.Rows<MatMul.K4Kernel<MatMul.Q5_KValues>>(this, r0, r1, c0, c1);
                break;
            case GgmlType.Q6_K:
                MatMul.Rows<MatMul.Q6_KKernel>(this, r0, r1, c0, c1);
                break;
            default:
                throw new InvalidOperationException($"{Type} has no 8-bit-activation kernel.");
        }
    }
}
