namespace Serving.Engine.Kernels;

/// <summary>The dot product of one quantized weight row with one 8-bit activation row, for one weight format.</summary>
/// <remarks>A static-abstract interface so <see cref="MatMul"/>'s row loops are written once and specialized per format by the JIT.</remarks>
internal unsafe interface IQuantizedKernel
{
    /// <summary>
    /// <c>Σ_k w[k] · a[k]</c> over <paramref name="blocks"/> activation blocks, where <c>a[k] = quants[k] · scales[k / block]</c>.
    /// The reduction order is fixed, so the result depends only on the two rows.
    /// </summary>
    static abstract float Dot(byte* weights, sbyte* quants, float* scales, short* sums, int blocks);
}
