using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>
/// K-quant weights against Q8_K activations. Sub-block scales are applied in the integer domain: <c>maddubs</c> of unsigned
/// weight quants with signed activations gives 16-bit pair sums, and <c>madd</c> with the 16-bit scale both weights and
/// widens them, so a whole 256-value block costs one float conversion and one FMA. Offsets (Q4_K/Q5_K mins, Q6_K's -32) are
/// applied once per block through the activation sums.
/// </summary>
public static unsafe partial class MatMul
{
    /// <summary>
    /// Q4_K: <c>Σ_b d_x[b] · (d_w · Σ_s sc[s] · Σ_{j∈s} q_w[j] · q_x[j] - dmin_w · Σ_s m[s] · Σ_{j∈s} q_x[j])</c>, sub-blocks
    /// s of 32 (see <see cref="Dequantize"/> for the layout).
    /// </summary>
    internal readonly struct Q4_KKernel : IQuantizedKernel
    {
        public static float Dot(byte* weights, sbyte* quants, float* scales, short* sums, int blocks)
        {
            Span<byte> sc = stackalloc byte[8];
            Span<byte> mins = stackalloc byte[8];
            var acc = Vector256<float>.Zero;
            var minAcc = 0f;
            var low = Vector256.Create((byte)0x0F);
            for (var b = 0; b < blocks; b++, weights += 144, quants += 256, sums += 16)
            {
                Dequantize.UnpackScaleMinK4(new ReadOnlySpan<byte>(weights + 4, 12), sc, mins);
                var sumi = Vector256<int>.Zero;
                for (var c = 0; c < 4; c++)
                {
                    var packed = Vector256.Load(weights + 16 + (32 * c));
                    sumi += ScaledDot(packed & low, Vector256.Load(quants + (64 * c)), sc[2 * c]);
                    sumi += ScaledDot((packed.AsUInt16() >>> 4).AsByte() & low, Vector256.Load(quants + (64 * c) + 32), sc[(2 * c) + 1]);
                }

                var d = scales[b];
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sumi), Vector256.Create(Fp16.Load(weights) * d), acc);
                minAcc += Fp16.Load(weights + 2) * d * MinSum(mins, sums);
            }

            return Vector256.Sum(acc) - minAcc;
        }
    }

    /// <summary>Q5_K: as Q4_K with the fifth bit of each quant from qh (bit s of qh[l] for sub-block s).</summary>
    internal readonly struct Q5_KKernel : IQuantizedKernel
    {
        public static float Dot(byte* weights, sbyte* quants, float* scales, short* sums, int blocks)
        {
            Span<byte> sc = stackalloc byte[8];
            Span<byte> mins = stackalloc byte[8];
            var acc = Vector256<float>.Zero;
            var minAcc = 0f;
            var low = Vector256.Create((byte)0x0F);
            var sixteen = Vector256.Create((byte)16);
            for (var b = 0; b < blocks; b++, weights += 176, quants += 256, sums += 16)
            {
                Dequantize.UnpackScaleMinK4(new ReadOnlySpan<byte>(weights + 4, 12), sc, mins);
                var high = Vector256.Load(weights + 16);
                var sumi = Vector256<int>.Zero;
                for (var c = 0; c < 4; c++)
                {
                    var packed = Vector256.Load(weights + 48 + (32 * c));
                    var bit0 = Vector256.Create((byte)(1 << (2 * c)));
                    var bit1 = Vector256.Create((byte)(2 << (2 * c)));
                    var q0 = (packed & low) | (Vector256.Equals(high & bit0, bit0) & sixteen);
                    var q1 = ((packed.AsUInt16() >>> 4).AsByte() & low) | (Vector256.Equals(high & bit1, bit1) & sixteen);
                    sumi += ScaledDot(q0, Vector256.Load(quants + (64 * c)), sc[2 * c]);
                    sumi += ScaledDot(q1, Vector256.Load(quants + (64 * c) + 32), sc[(2 * c) + 1]);
                }

                var d = scales[b];
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sumi), Vector256.Create(Fp16.Load(weights) * d), acc);
                minAcc += Fp16.Load(weights + 2) * d * MinSum(mins, sums);
            }

            return Vector256.Sum(acc) - minAcc;
        }
    }

    /// <summary>
    /// Q6_K: <c>Σ_b d_w · d_x[b] · (Σ_s sc[s] · Σ_{j∈s} q_w[j] · q_x[j] - 32 · Σ_s sc[s] · Σ_{j∈s} q_x[j])</c> with unsigned
    /// 6-bit q_w and signed 8-bit sub-block scales sc over sub-blocks s of 16.
    /// </summary>
    internal readonly struct Q6_KKernel : IQuantizedKernel
    {
        public static float Dot(byte* weights, sbyte* quants, float* scales, short* sums, int blocks)
        {
            var acc = Vector256<float>.Zero;
            var offsetAcc = 0f;
            var low = Vector256.Create((byte)0x0F);
            var bits45 = Vector256.Create((byte)0x30);
            for (var b = 0; b < blocks; b++, weights += 210, quants += 256, sums += 16)
            {
                var sc = (sbyte*)(weights + 192);
                var sumi = Vector256<int>.Zero;
                for (var h = 0; h < 2; h++)
                {
                    var ql0 = Vector256.Load(weights + (64 * h));
                    var ql1 = Vector256.Load(weights + (64 * h) + 32);
                    var qh = Vector256.Load(weights + 128 + (32 * h)).AsUInt16();
                    var q0 = (ql0 & low) | ((qh << 4).AsByte() & bits45);
                    var q1 = (ql1 & low) | ((qh << 2).AsByte() & bits45);
                    var q2 = ((ql0.AsUInt16() >>> 4).AsByte() & low) | (qh.AsByte() & bits45);
                    var q3 = ((ql1.AsUInt16() >>> 4).AsByte() & low) | ((qh >>> 2).AsByte() & bits45);
                    var x = quants + (128 * h);
                    var s = sc + (8 * h);
                    sumi += ScaledDot(q0, Vector256.Load(x), s[0], s[1]);
                    sumi += ScaledDot(q1, Vector256.Load(x + 32), s[2], s[3]);
                    sumi += ScaledDot(q2, Vector256.Load(x + 64), s[4], s[5]);
                    sumi += ScaledDot(q3, Vector256.Load(x + 96), s[6], s[7]);
                }

                var offset = 0;
                for (var s = 0; s < 16; s++)
                {
                    offset += sc[s] * sums[s];
                }

                var d = Fp16.Load(weights + 208) * scales[b];
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sumi), Vector256.Create(d), acc);
                offsetAcc += d * (32 * offset);
            }

            return Vector256.Sum(acc) - offsetAcc;
        }
    }

    /// <summary><c>scale · Σ q[j] · x[j]</c> over 32 values in 8 int32 lanes (q unsigned ≤ 63, so no 16-bit saturation).</summary>
    private static Vector256<int> ScaledDot(Vector256<byte> q, Vector256<sbyte> x, int scale) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q, x), Vector256.Create((short)scale));

    /// <summary>As <see cref="ScaledDot(Vector256{byte}, Vector256{sbyte}, int)"/> with one scale per 16 values.</summary>
    private static Vector256<int> ScaledDot(Vector256<byte> q, Vector256<sbyte> x, sbyte scale0, sbyte scale1) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q, x), Vector256.Create(Vector128.Create((short)scale0), Vector128.Create((short)scale1)));

    /// <summary><c>Σ_s m[s] · (sums[2s] + sums[2s + 1])</c>: the activation sum of each 32-value sub-block times its min.</summary>
    private static int MinSum(ReadOnlySpan<byte> mins, short* sums)
    {
        var total = 0;
        for (var s = 0; s < 8; s++)
        {
            total += mins[s] * (sums[2 * s] + sums[(2 * s) + 1]);
        }

        return total;
    }
}
