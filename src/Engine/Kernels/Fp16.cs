using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// <see cref="ToSingle(ushort)"/>'s Inf/NaN branch (a scale is finite in any file a quantizer wrote).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe float LoadScale(byte* source)
    {
        var bits = (uint)Unsafe.ReadUnaligned<ushort>(source);
        return BitConverter.UInt32BitsToSingle(((bits & 0x8000) << 16) | ((bits & 0x7FFF) << 13)) * 5.192296858534828e33f; // 2^112
    }

    /// <summary><see cref="LoadScale"/> of the 8 halves at <paramref name="first"/> + i · <paramref name="stride"/>: the loads
    /// stay scalar (a gather on a row's first, uncached touch is slower), the conversion is one vector for all 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadScales8(byte* first, int stride)
    {
        var bits = Vector256.Create(
            (uint)Unsafe.ReadUnaligned<ushort>(first), Unsafe.ReadUnaligned<ushort>(first + stride),
            Unsafe.ReadUnaligned<ushort>(first + (2 * stride)), Unsafe.ReadUnaligned<ushort>(first + (3 * stride)),
            Unsafe.ReadUnaligned<ushort>(first + (4 * stride)), Unsafe.ReadUnaligned<ushort>(first + (5 * stride)),
            Unsafe.ReadUnaligned<ushort>(first + (6 * stride)), Unsafe.ReadUnaligned<ushort>(first + (7 * stride)));
        var magnitude = ((bits & Vector256.Create(0x8000u)) << 16) | ((bits & Vector256.Create(0x7FFFu)) << 13);
        return magnitude.AsSingle() * Vector256.Create(5.192296858534828e33f);
    }

    /// <summary>
    /// Exact half → float for a whole span (Inf and NaN included), the same values as
    /// <see cref="TensorPrimitives.ConvertToSingle(ReadOnlySpan{Half}, Span{float})"/> at twice its speed with AVX-512: a
    /// block of F16 K/V is converted once per attention tile, so this is on every decode step's path.
    /// </summary>
    public static unsafe void ToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        }

        var i = 0;
        if (Avx512F.IsSupported)
        {
            fixed (Half* s = source)
            fixed (float* d = destination)
            {
                for (; i + 16 <= source.Length; i += 16)
                {
                    // NOTE: K/V values are finite in practice; only a group holding an Inf or NaN pays for the exact special cases.
                    var halves = Vector256.Load((ushort*)s + i);
                    var value = Vector256.EqualsAny(halves & Vector256.Create((ushort)0x7C00), Vector256.Create((ushort)0x7C00))
                        ? ToSingle16(halves)
                        : FiniteToSingle16(halves);
                    value.Store(d + i);
                }
            }
        }

        TensorPrimitives.ConvertToSingle(source[i..], destination[i..]);
    }

    /// <summary>16 finite halves: the sign-extended bits shifted into place (the sign's copies in bits 28-30 cleared),
    /// then the exponent rebased by 2^112; four instructions where <see cref="ToSingle16"/> needs a dozen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FiniteToSingle16(Vector256<ushort> halves)
    {
        var bits = Avx512F.ConvertToVector512Int32(halves.AsInt16());
        return ((bits << 13) & Vector512.Create(unchecked((int)0x8FFF_FFFF))).AsSingle() * Vector512.Create(5.192296858534828e33f);
    }

    /// <summary>16 halves: finite ones by <see cref="ToSingle(ushort)"/>'s shift and rescale, Inf/NaN by setting the exponent to all ones (and NaNs' quiet bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ToSingle16(Vector256<ushort> halves)
    {
        var bits = Avx512F.ConvertToVector512UInt32(halves);
        var magnitude = (bits & Vector512.Create(0x7FFFu)) << 13;
        var finite = magnitude.AsSingle() * Vector512.Create(5.192296858534828e33f); // 2^112
        var infinity = Vector512.Create(0x7C00u << 13);
        var special = Vector512.GreaterThanOrEqual(magnitude, infinity).AsSingle();
        var quiet = Vector512.GreaterThan(magnitude, infinity) & Vector512.Create(0x0040_0000u); // NaNs come out quiet, as the runtime's
        var value = Vector512.ConditionalSelect(special, (magnitude | quiet | Vector512.Create(0x7F80_0000u)).AsSingle(), finite);
        return (value.AsUInt32() | ((bits & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>Rounds a float to the nearest half (ties to even) and back, as ggml stores a block scale.</summary>
    public static float Round(float value) => (float)(Half)value;
}
