using System.Runtime.Intrinsics;

namespace Serving.Engine.Kernels;

/// <summary>A weight format of 32-value blocks that start with a half scale (Q8_0, Q4_0, Q5_0; with a min: Q4_1, Q5_1): how to read one block's values as bytes.</summary>
internal unsafe interface IQ8Blocks
{
    /// <summary>Bytes per block, scale included.</summary>
    static abstract int BlockBytes { get; }

    /// <summary>
    /// Whether a half min follows the scale (Q4_1, Q5_1: <c>y = q · d + m</c>, q unsigned); without one the values are signed
    /// (<c>y = q · d</c>).
    /// </summary>
    static abstract bool HasMin { get; }

    /// <summary>The block's 32 quantized values (without the scale), in order.</summary>
    static abstract Vector256<sbyte> Values(byte* block);
}
