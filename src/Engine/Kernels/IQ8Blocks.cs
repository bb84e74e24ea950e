using System.Runtime.Intrinsics;

namespace Serving.Engine.Kernels;

/// <summary>A weight format of 32-value blocks that start with a half scale (Q8_0, Q4_0): how to read one block's values as signed bytes.</summary>
internal unsafe interface IQ8Blocks
{
    /// <summary>Bytes per block, scale included.</summary>
    static abstract int BlockBytes { get; }

    /// <summary>The block's 32 quantized values (without the scale), in order.</summary>
    static abstract Vector256<sbyte> Values(byte* block);
}
