using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Serving.Engine.Kernels;

/// <summary>The K-quant formats: super-blocks of 256 values with 6- or 8-bit sub-block scales.</summary>
public static partial class Dequantize
{
    /// <summary>
    /// Unpacks the 12 scale bytes of a Q4_K/Q5_K super-block into 8 six-bit scales and 8 six-bit mins, one per byte of
    /// the two results (byte s = sub-block s; ggml's <c>get_scale_min_k4</c>): sub-blocks 0-3 use the low 6 bits of bytes
    /// 0-3 (scales) and 4-7 (mins); sub-blocks 4-7 take their low 4 bits from bytes 8-11 (scale: low nibble, min: high
    /// nibble) and their top 2 bits from the top 2 bits of bytes 0-3 (scales) and 4-7 (mins).
    /// </summary>
    /// <remarks>Works on three 32-bit words at once, as ggml's SIMD code does, because it runs once per block in the dot products.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong Scales, ulong Mins) UnpackScaleMinK4(ReadOnlySpan<byte> packed)
    {
        const uint Low6 = 0x3F3F3F3F, Low4 = 0x0F0F0F0F, Low2 = 0x03030303;
        var w0 = BinaryPrimitives.ReadUInt32LittleEndian(packed);
        var w1 = BinaryPrimitives.ReadUInt32LittleEndian(packed[4..]);
        var w2 = BinaryPrimitives.ReadUInt32LittleEndian(packed[8..]);
        var scalesLow = w0 & Low6;
        var minsLow = w1 & Low6;
        var scalesHigh = (w2 & Low4) | (((w0 >> 6) & Low2) << 4);
        var minsHigh = ((w2 >> 4) & Low4) | (((w1 >> 6) & Low2) << 4);
        return (scalesLow | ((ulong)scalesHigh << 32), minsLow | ((ulong)minsHigh << 32));
    }

    /// <summary>
    /// Q4_K, super-blocks of 256 as { half d; half dmin; uint8 scales[12]; uint8 qs[128] }, eight sub-blocks of 32 with
    /// 6-bit scale sc[s] and min m[s] (<see cref="UnpackScaleMinK4"/>): <c>y = (d * sc[s]) * q - dmin * m[s]</c>, where chunk
    /// c (64 values, qs[32c..32c+31]) holds sub-block 2c in the low nibbles and 2c+1 in the high nibbles.
    /// </summary>
    private static void Q4_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int b = 0, o = 0; o < destination.Length; b += 144, o += 256)
        {
            var block = source.Slice(b, 144);
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block));
            var dmin = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block[2..]));
            var (scales, mins) = UnpackScaleMinK4(block.Slice(4, 12));
            var qs = block[16..];
            for (var c = 0; c < 4; c++)
            {
                float d1 = d * (byte)(scales >> (16 * c)), m1 = dmin * (byte)(mins >> (16 * c));
                float d2 = d * (byte)(scales >> ((16 * c) + 8)), m2 = dmin * (byte)(mins >> ((16 * c) + 8));
                var y = destination.Slice(o + (64 * c), 64);
                for (var l = 0; l < 32; l++)
                {
                    var q = qs[(32 * c) + l];
                    y[l] = (d1 * (q & 0xF)) - m1;
                    y[l + 32] = (d2 * (q >> 4)) - m2;
                }
            }
        }
    }

    /// <summary>
    /// Q5_K, super-blocks of 256 as { half d; half dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128] }: as Q4_K with a
    /// fifth bit, <c>q = nibble + 16 * bit</c>, where value l of sub-block s takes bit s of qh[l].
    /// </summary>
    private static void Q5_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int b = 0, o = 0; o < destination.Length; b += 176, o += 256)
        {
            var block = source.Slice(b, 176);
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block));
            var dmin = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block[2..]));
            var (scales, mins) = UnpackScaleMinK4(block.Slice(4, 12));
            var qh = block.Slice(16, 32);
            var qs = block[48..];
            for (var c = 0; c < 4; c++)
            {
                float d1 = d * (byte)(scales >> (16 * c)), m1 = dmin * (byte)(mins >> (16 * c));
                float d2 = d * (byte)(scales >> ((16 * c) + 8)), m2 = dmin * (byte)(mins >> ((16 * c) + 8));
                int lowBit = 1 << (2 * c), highBit = 2 << (2 * c);
                var y = destination.Slice(o + (64 * c), 64);
                for (var l = 0; l < 32; l++)
                {
                    var q = qs[(32 * c) + l];
                    y[l] = (d1 * ((q & 0xF) + ((qh[l] & lowBit) != 0 ? 16 : 0))) - m1;
                    y[l + 32] = (d2 * ((q >> 4) + ((qh[l] & highBit) != 0 ? 16 : 0))) - m2;
                }
            }
        }
    }

    /// <summary>
    /// Q6_K, super-blocks of 256 as { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d }, sixteen sub-blocks of 16:
    /// <c>y = (d * scales[s]) * (q - 32)</c> with 6-bit q. Each half h (128 values) uses ql[64h..], qh[32h..], scales[8h..];
    /// for l &lt; 32 its values l, l+32, l+64, l+96 are the low nibble of ql[l], low nibble of ql[l+32], high nibble of
    /// ql[l], high nibble of ql[l+32], each with 2 high bits from qh[l] bits 0-1, 2-3, 4-5, 6-7.
    /// </summary>
    private static void Q6_K(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int b = 0, o = 0; o < destination.Length; b += 210, o += 256)
        {
            var block = source.Slice(b, 210);
            var d = Fp16.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block[208..]));
            for (var h = 0; h < 2; h++)
            {
                var ql = block.Slice(64 * h, 64);
                var qh = block.Slice(128 + (32 * h), 32);
                var sc = block.Slice(192 + (8 * h), 8);
                var y = destination.Slice(o + (128 * h), 128);
                for (var l = 0; l < 32; l++)
                {
                    var s = l / 16;
                    var q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                    var q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    var q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    var q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    y[l] = d * (sbyte)sc[s] * q1;
                    y[l + 32] = d * (sbyte)sc[s + 2] * q2;
                    y[l + 64] = d * (sbyte)sc[s + 4] * q3;
                    y[l + 96] = d * (sbyte)sc[s + 6] * q4;
                }
            }
        }
    }
}
