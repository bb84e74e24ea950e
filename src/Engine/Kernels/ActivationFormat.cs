namespace Serving.Engine.Kernels;

/// <summary>How a matmul's input rows are fed to the dot products of one weight type.</summary>
internal enum ActivationFormat
{
    /// <summary>Unrounded float32.</summary>
    Float,

    /// <summary>8 bits per value, one half-precision scale per 32 (Q4_0, Q5_0 and Q8_0 weights).</summary>
    Q8_0,

    /// <summary>Q8_0 plus each block's sum <c>s ≈ d · Σ q</c> (Q4_1 and Q5_1 weights, whose mins multiply it).</summary>
    Q8_1,

    /// <summary>8 bits per value, one float scale and 16 sums per 256 (K-quant weights).</summary>
    Q8_K,
}
