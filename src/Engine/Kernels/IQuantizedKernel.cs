using System.Runtime.Intrinsics;

namespace Serving.Engine.Kernels;

/// <summary>Dot products of one quantized weight row with 8-bit activation rows, for one weight format.</summary>
/// <remarks>
/// A static-abstract interface so <see cref="MatMul"/>'s row loops are written once and specialized per format by the JIT.
/// <see cref="Dot4"/> reads each weight block once for four input rows; per input row it performs exactly the operations of
/// <see cref="Dot"/> (both call the same per-row accumulation helpers), so a result is bit-identical whichever is used.
/// </remarks>
internal unsafe interface IQuantizedKernel
{
    /// <summary>Values per activation block: 32 (Q8_0) or 256 (Q8_K).</summary>
    static abstract int ActivationBlock { get; }

    /// <summary>Size of the per-row scratch <see cref="PrepareRow"/> fills, in floats.</summary>
    static virtual int RowScratchFloats(int blocks) => blocks + 8;

    /// <summary>
    /// Work done once per weight row before its dot products: fills <paramref name="rowScratch"/>
    /// (<see cref="RowScratchFloats"/> floats) with whatever <see cref="Dot"/> and <see cref="Dot4"/> read there. Nothing by default.
    /// </summary>
    static virtual void PrepareRow(byte* weights, int blocks, float* rowScratch)
    {
    }

    /// <summary><c>Σ_k w[k] · x[row, k]</c> over <paramref name="blocks"/> activation blocks, in a fixed order.</summary>
    static abstract float Dot(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks);

    /// <summary><see cref="Dot"/> for input rows <paramref name="row"/> .. <paramref name="row"/> + 3.</summary>
    static abstract Vector128<float> Dot4(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks);
}
