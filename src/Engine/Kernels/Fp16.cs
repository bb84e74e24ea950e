using System.Runtime.CompilerServices;

namespace Serving.Engine.Kernels;

/// <summary>IEEE half-precision scalars as stored in ggml blocks (the runtime has no F16C intrinsic to do this).</summary>
internal static class Fp16
{
    /// <summary>Exact half → float. Finite values take the shift-and-rescale route (exact also for subnormals).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits)
    {
        if ((bits & 0x7C00) == 0x7C00)
        {
            return (float)BitConverter.UInt16BitsToHalf(bits); // Inf and NaN
        }

        // NOTE: placing the 15 magnitude bits at float bit 13 gives the value scaled by 2^-112 (exponent bias 127 vs 15);
        // multiplying by 2^112 is exact and also normalizes subnormal halves.
        var magnitude = BitConverter.Int32BitsToSingle((bits & 0x7FFF) << 13) * 5.192296858534828e33f; // 2^112
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /// <summary>Reads the little-endian half at <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe float Load(byte* source) => ToSingle(Unsafe.ReadUnaligned<ushort>(source));

    /// <summary>
    /// Reads a half-precision block scale for the dot-product kernels: exact for every finite half, without
    /// <see cref="ToSingle"/>'s Inf/NaN branch (a scale is finite in any file a quantizer wrote).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe float LoadScale(byte* source)
    {
        var bits = (uint)Unsafe.ReadUnaligned<ushort>(source);
        return BitConverter.UInt32BitsToSingle(((bits & 0x8000) << 16) | ((bits & 0x7FFF) << 13)) * 5.192296858534828e33f; // 2^112
    }

    /// <summary>Rounds a float to the nearest half (ties to even) and back, as ggml stores a block scale.</summary>
    public static float Round(float value) => (float)(Half)value;
}
