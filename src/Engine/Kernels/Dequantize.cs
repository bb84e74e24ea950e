using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Serving.Engine.Gguf;

namespace Serving.Engine.Kernels;

/// <summary>
/// Format definitions (ggml's): dequantize a run of blocks into floats. Each format's value formula is in its method's
/// summary, with the operations in the order ggml's C reference dequantizers write them.
/// </summary>
public static partial class Dequantize
{
    /// <summary>
    /// Dequantizes <c>destination.Length</c> values of <paramref name="type"/> from <paramref name="source"/>, which must hold
    /// exactly that many values (a whole number of blocks).
    /// </summary>
    /// <exception cref="NotSupportedException">The type is not one of <see cref="SupportedTypes"/>.</exception>
    public static void Row(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var traits = RequireSupported(type);
        if (destination.Length % traits.BlockSize != 0)
        {
            throw new ArgumentException($"{destination.Length} values are not a whole number of {type} blocks of {traits.BlockSize}.", nameof(destination));
        }

        var bytes = traits.RowBytes(destination.Length);
        if (source.Length != bytes)
        {
            throw new ArgumentException($"{destination.Length} {type} values take {bytes} bytes, source has {source.Length}.", nameof(source));
        }

        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case GgmlType.F16:
                Fp16.ToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case GgmlType.BF16:
                BFloat16(source, destination);
                break;
            case GgmlType.Q8_0:
                Q8_0(source, destination);
                break;
            case GgmlType.Q4_0:
                Q4_0(source, destination);
                break;
            case GgmlType.Q4_1:
                Q4_1(source, destination);
                break;
            case GgmlType.Q5_0:
                Q5(source, destination, withMin: false);
                break;
            case GgmlType.Q5_1:
                Q5(source, destination, withMin: true);
                break;
            case GgmlType.Q4_K:
                Q4_K(source, destination);
                break;
            case GgmlType.Q5_K:
                Q5_K(source, destination);
                break;
            case GgmlType.Q6_K:
                Q6_K(source, destination);
                break;
            default:
                throw new InvalidOperationException($"{type} passed RequireSupported but has no dequantizer.");
        }
    }

    /// <summary>The names of the types the kernels compute with, for error messages.</summary>
    public const string SupportedTypes = "F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K";

    /// <summary>True for the types the kernels compute with.</summary>
    public static bool IsSupported(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0
        or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K;

    internal static GgmlTypeTraits RequireSupported(GgmlType type) => IsSupported(type)
        ? GgmlTypeTraits.Of(type)
        : throw new NotSupportedException($"Tensor type {type} is not supported (supported: {SupportedTypes}).");

    /// <summary>BF16: <c>y = float(bits &lt;&lt; 16)</c> (the upper half of a float32).</summary>
    private static void BFloat16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var bits = MemoryMarshal.Cast<byte, ushort>(source);
        var result = MemoryMarshal.Cast<float, uint>(destination);
        for (var i = 0; i < bits.Length; i++)
        {
            result[i] = (uint)bits[i] << 16;
        }
    }

    /// <summary>Q8_0, blocks of 32 as { half d; int8 q[32] }: <c>y[j] = q[j] * d</c>.</summary>
    private static void Q8_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int b = 0, o = 0; o < destination.Length; b += 34, o += 32)
        {
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[b..]));
            for (var j = 0; j < 32; j++)
            {
                destination[o + j] = (sbyte)source[b + 2 + j] * d;
            }
        }
    }

    /// <summary>
    /// Q4_0, blocks of 32 as { half d; uint8 qs[16] }: <c>y[j] = ((qs[j] &amp; 15) - 8) * d</c> and
    /// <c>y[j + 16] = ((qs[j] &gt;&gt; 4) - 8) * d</c> for j &lt; 16.
    /// </summary>
    private static void Q4_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int b = 0, o = 0; o < destination.Length; b += 18, o += 32)
        {
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[b..]));
            for (var j = 0; j < 16; j++)
            {
                var q = source[b + 2 + j];
                destination[o + j] = ((q & 0xF) - 8) * d;
                destination[o + j + 16] = ((q >> 4) - 8) * d;
            }
        }
    }

    /// <summary>
    /// Q4_1, blocks of 32 as { half d; half m; uint8 qs[16] }: <c>y[j] = (qs[j] &amp; 15) * d + m</c> and
    /// <c>y[j + 16] = (qs[j] &gt;&gt; 4) * d + m</c> for j &lt; 16.
    /// </summary>
    private static void Q4_1(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int b = 0, o = 0; o < destination.Length; b += 20, o += 32)
        {
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[b..]));
            var m = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(b + 2)..]));
            for (var j = 0; j < 16; j++)
            {
                var q = source[b + 4 + j];
                destination[o + j] = ((q & 0xF) * d) + m;
                destination[o + j + 16] = ((q >> 4) * d) + m;
            }
        }
    }

    /// <summary>
    /// Q5_0, blocks of 32 as { half d; uint32 qh; uint8 qs[16] }, and Q5_1, { half d; half m; uint32 qh; uint8 qs[16] }: the
    /// 5-bit value j is nibble j (low nibbles of qs, then high nibbles) with bit j of qh as bit 4;
    /// Q5_0: <c>y = (q - 16) * d</c>, Q5_1: <c>y = q * d + m</c>.
    /// </summary>
    private static void Q5(ReadOnlySpan<byte> source, Span<float> destination, bool withMin)
    {
        var blockBytes = withMin ? 24 : 22;
        for (int b = 0, o = 0; o < destination.Length; b += blockBytes, o += 32)
        {
            var block = source.Slice(b, blockBytes);
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block));
            var m = withMin ? Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block[2..])) : 0f;
            var qh = BinaryPrimitives.ReadUInt32LittleEndian(block[(withMin ? 4 : 2)..]);
            var qs = block[(withMin ? 8 : 6)..];
            for (var j = 0; j < 16; j++)
            {
                var low = (qs[j] & 0xF) | (int)(((qh >> j) << 4) & 0x10);
                var high = (qs[j] >> 4) | (int)((qh >> (j + 12)) & 0x10);
                destination[o + j] = withMin ? (low * d) + m : (low - 16) * d;
                destination[o + j + 16] = withMin ? (high * d) + m : (high - 16) * d;
            }
        }
    }
}
