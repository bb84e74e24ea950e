using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>
/// K-quant weights against Q8_K activations. Sub-block scales are applied in the integer domain: <c>maddubs</c> of unsigned
/// weight quants with signed activations gives 16-bit pair sums, and <c>madd</c> with the 16-bit scale both weights and
/// widens them, so a whole 256-value block costs one float conversion and one FMA per input row. Offsets (Q4_K/Q5_K mins,
/// Q6_K's -32) go through the activations' 16-value sums: one more <c>madd</c>, conversion and FMA per block.
/// </summary>
public static unsafe partial class MatMul
{
    /// <summary>
    /// Q4_K and Q5_K weights, blocks of 256 that start { half d; half dmin; uint8 scales[12] } (sub-blocks s of 32 with 6-bit
    /// scales sc[s] and mins m[s]): <c>Σ_b d_x[b] · (d · Σ_s sc[s] · Σ_{j∈s} q_w[j] · q_x[j] - dmin · Σ_s m[s] · Σ_{j∈s} q_x[j])</c>.
    /// The formats differ only in how a chunk's values are read (<typeparamref name="TValues"/>).
    /// </summary>
    internal readonly struct K4Kernel<TValues> : IQuantizedKernel
        where TValues : IK4Values
    {
        public static int ActivationBlock => 256;

        public static float Dot(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks)
        {
            Vector256<float> acc = default, minAcc = default;
            var quants = x.Quants(row);
            for (var b = 0; b < blocks; b++, weights += TValues.BlockBytes, quants += 256)
            {
                var (scales, mins) = UnpackK4(weights + 4);
                var sumi = Chunk(weights, quants, scales, 0) + Chunk(weights, quants, scales, 1)
                    + Chunk(weights, quants, scales, 2) + Chunk(weights, quants, scales, 3);
                FinishBlock(ref acc, ref minAcc, sumi, mins, x, row, b, Fp16.LoadScale(weights), Fp16.LoadScale(weights + 2));
            }

            return Vector256.Sum(acc) - Vector256.Sum(minAcc);
        }

        public static Vector128<float> Dot4(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks)
        {
            Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            Vector256<float> min0 = default, min1 = default, min2 = default, min3 = default;
            sbyte* q0 = x.Quants(row), q1 = x.Quants(row + 1), q2 = x.Quants(row + 2), q3 = x.Quants(row + 3);
            for (var b = 0; b < blocks; b++, weights += TValues.BlockBytes, q0 += 256, q1 += 256, q2 += 256, q3 += 256)
            {
                var (scales, mins) = UnpackK4(weights + 4);
                Vector256<int> sumi0 = default, sumi1 = default, sumi2 = default, sumi3 = default;
                Chunk4(weights, q0, q1, q2, q3, scales, 0, ref sumi0, ref sumi1, ref sumi2, ref sumi3);
                Chunk4(weights, q0, q1, q2, q3, scales, 1, ref sumi0, ref sumi1, ref sumi2, ref sumi3);
                Chunk4(weights, q0, q1, q2, q3, scales, 2, ref sumi0, ref sumi1, ref sumi2, ref sumi3);
                Chunk4(weights, q0, q1, q2, q3, scales, 3, ref sumi0, ref sumi1, ref sumi2, ref sumi3);
                float d = Fp16.LoadScale(weights), dmin = Fp16.LoadScale(weights + 2);
                FinishBlock(ref acc0, ref min0, sumi0, mins, x, row, b, d, dmin);
                FinishBlock(ref acc1, ref min1, sumi1, mins, x, row + 1, b, d, dmin);
                FinishBlock(ref acc2, ref min2, sumi2, mins, x, row + 2, b, d, dmin);
                FinishBlock(ref acc3, ref min3, sumi3, mins, x, row + 3, b, d, dmin);
            }

            return Finish4(acc0, acc1, acc2, acc3, min0, min1, min2, min3);
        }

        /// <summary>
        /// Chunk <paramref name="c"/> (values 64c .. 64c + 63: sub-block 2c, then 2c + 1) of a block, scaled per sub-block.
        /// Called with constant chunks, so the shuffle masks are constants and the loop is unrolled.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Chunk(byte* block, sbyte* x, Vector256<byte> scales, [ConstantExpected(Min = 0, Max = 3)] int c)
        {
            var (low, high) = TValues.Chunk(block, c);
            var (scaleLow, scaleHigh) = SubBlockScales(scales, c);
            return ScaledDot(low, x + (64 * c), scaleLow) + ScaledDot(high, x + (64 * c) + 32, scaleHigh);
        }

        /// <summary><see cref="Chunk"/> for four input rows sharing one weight unpack.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Chunk4(
            byte* block, sbyte* x0, sbyte* x1, sbyte* x2, sbyte* x3, Vector256<byte> scales, [ConstantExpected(Min = 0, Max = 3)] int c,
            ref Vector256<int> sumi0, ref Vector256<int> sumi1, ref Vector256<int> sumi2, ref Vector256<int> sumi3)
        {
            var (low, high) = TValues.Chunk(block, c);
            var (scaleLow, scaleHigh) = SubBlockScales(scales, c);
            var o = 64 * c;
            sumi0 += ScaledDot(low, x0 + o, scaleLow) + ScaledDot(high, x0 + o + 32, scaleHigh);
            sumi1 += ScaledDot(low, x1 + o, scaleLow) + ScaledDot(high, x1 + o + 32, scaleHigh);
            sumi2 += ScaledDot(low, x2 + o, scaleLow) + ScaledDot(high, x2 + o + 32, scaleHigh);
            sumi3 += ScaledDot(low, x3 + o, scaleLow) + ScaledDot(high, x3 + o + 32, scaleHigh);
        }
    }

    /// <summary>How a Q4_K/Q5_K block's values are read, for <see cref="K4Kernel{TValues}"/>.</summary>
    internal interface IK4Values
    {
        /// <summary>Bytes per 256-value block.</summary>
        static abstract int BlockBytes { get; }

        /// <summary>The unsigned values of sub-blocks 2c (low) and 2c + 1 (high) of the block at <paramref name="block"/>.</summary>
        static abstract (Vector256<byte> Low, Vector256<byte> High) Chunk(byte* block, [ConstantExpected(Min = 0, Max = 3)] int c);
    }

    /// <summary>Q4_K: 144-byte blocks { half d; half dmin; uint8 scales[12]; uint8 qs[128] }; chunk c is qs[32c..32c+31], sub-block 2c in the low nibbles.</summary>
    internal readonly struct Q4_KValues : IK4Values
    {
        public static int BlockBytes => 144;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<byte> Low, Vector256<byte> High) Chunk(byte* block, [ConstantExpected(Min = 0, Max = 3)] int c) =>
            Nibbles(Vector256.Load(block + 16 + (32 * c)));
    }

    /// <summary>Q5_K: 176-byte blocks { half d; half dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128] }: Q4_K's nibbles plus bit 2c (low) or 2c + 1 (high) of qh[l] as 16.</summary>
    internal readonly struct Q5_KValues : IK4Values
    {
        public static int BlockBytes => 176;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<byte> Low, Vector256<byte> High) Chunk(byte* block, [ConstantExpected(Min = 0, Max = 3)] int c)
        {
            var (low, high) = Nibbles(Vector256.Load(block + 48 + (32 * c)));
            var highBits = Vector256.Load(block + 16);
            var bit0 = Vector256.Create((byte)(1 << (2 * c)));
            var bit1 = Vector256.Create((byte)(2 << (2 * c)));
            var sixteen = Vector256.Create((byte)16);
            return (low | (Vector256.Equals(highBits & bit0, bit0) & sixteen), high | (Vector256.Equals(highBits & bit1, bit1) & sixteen));
        }
    }

    /// <summary>
    /// Q6_K (210-byte blocks { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d }, sub-blocks s of 16, unsigned 6-bit q):
    /// <c>Σ_b d · d_x[b] · (Σ_s sc[s] · Σ_{j∈s} q_w[j] · q_x[j] - 32 · Σ_s sc[s] · Σ_{j∈s} q_x[j])</c>.
    /// </summary>
    internal readonly struct Q6_KKernel : IQuantizedKernel
    {
        public static int ActivationBlock => 256;

        public static float Dot(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks)
        {
            Vector256<float> acc = default, offsetAcc = default;
            for (var b = 0; b < blocks; b++, weights += 210)
            {
                var scales = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(weights + 192)));
                var sumi = Vector256<int>.Zero;
                var quants = x.Quants(row) + (256 * b);
                for (var h = 0; h < 2; h++)
                {
                    var (q0, q1, q2, q3) = Q6Values(weights, h);
                    var half = HalfScales(scales, h);
                    var x0 = quants + (128 * h);
                    sumi += ScaledDot(q0, x0, Scales16(half, 0)) + ScaledDot(q1, x0 + 32, Scales16(half, 1))
                        + ScaledDot(q2, x0 + 64, Scales16(half, 2)) + ScaledDot(q3, x0 + 96, Scales16(half, 3));
                }

                var d = Fp16.LoadScale(weights + 208);
                FinishBlock(ref acc, ref offsetAcc, sumi, scales, x, row, b, d, 32 * d);
            }

            return Vector256.Sum(acc) - Vector256.Sum(offsetAcc);
        }

        public static Vector128<float> Dot4(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks)
        {
            Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            Vector256<float> off0 = default, off1 = default, off2 = default, off3 = default;
            for (var b = 0; b < blocks; b++, weights += 210)
            {
                var scales = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(weights + 192)));
                Vector256<int> sumi0 = default, sumi1 = default, sumi2 = default, sumi3 = default;
                sbyte* r0 = x.Quants(row) + (256 * b), r1 = x.Quants(row + 1) + (256 * b);
                sbyte* r2 = x.Quants(row + 2) + (256 * b), r3 = x.Quants(row + 3) + (256 * b);
                for (var h = 0; h < 2; h++)
                {
                    var (q0, q1, q2, q3) = Q6Values(weights, h);
                    var half = HalfScales(scales, h);
                    Vector256<short> s0 = Scales16(half, 0), s1 = Scales16(half, 1), s2 = Scales16(half, 2), s3 = Scales16(half, 3);
                    var o = 128 * h;
                    sumi0 += ScaledDot(q0, r0 + o, s0) + ScaledDot(q1, r0 + o + 32, s1) + ScaledDot(q2, r0 + o + 64, s2) + ScaledDot(q3, r0 + o + 96, s3);
                    sumi1 += ScaledDot(q0, r1 + o, s0) + ScaledDot(q1, r1 + o + 32, s1) + ScaledDot(q2, r1 + o + 64, s2) + ScaledDot(q3, r1 + o + 96, s3);
                    sumi2 += ScaledDot(q0, r2 + o, s0) + ScaledDot(q1, r2 + o + 32, s1) + ScaledDot(q2, r2 + o + 64, s2) + ScaledDot(q3, r2 + o + 96, s3);
                    sumi3 += ScaledDot(q0, r3 + o, s0) + ScaledDot(q1, r3 + o + 32, s1) + ScaledDot(q2, r3 + o + 64, s2) + ScaledDot(q3, r3 + o + 96, s3);
                }

                var d = Fp16.LoadScale(weights + 208);
                FinishBlock(ref acc0, ref off0, sumi0, scales, x, row, b, d, 32 * d);
                FinishBlock(ref acc1, ref off1, sumi1, scales, x, row + 1, b, d, 32 * d);
                FinishBlock(ref acc2, ref off2, sumi2, scales, x, row + 2, b, d, 32 * d);
                FinishBlock(ref acc3, ref off3, sumi3, scales, x, row + 3, b, d, 32 * d);
            }

            return Finish4(acc0, acc1, acc2, acc3, off0, off1, off2, off3);
        }

        /// <summary>The four 32-value quarter rows of half <paramref name="half"/>: low/high nibbles of ql plus 2-bit fields of qh as bits 4-5.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<byte>, Vector256<byte>, Vector256<byte>, Vector256<byte>) Q6Values(byte* block, int half)
        {
            var (ql0Low, ql0High) = Nibbles(Vector256.Load(block + (64 * half)));
            var (ql1Low, ql1High) = Nibbles(Vector256.Load(block + (64 * half) + 32));
            var qh = Vector256.Load(block + 128 + (32 * half)).AsUInt16();
            var bits45 = Vector256.Create((byte)0x30);
            return (
                ql0Low | ((qh << 4).AsByte() & bits45),
                ql1Low | ((qh << 2).AsByte() & bits45),
                ql0High | (qh.AsByte() & bits45),
                ql1High | ((qh >>> 2).AsByte() & bits45));
        }

        /// <summary>The 8 sub-block scales of half <paramref name="half"/> (shorts), repeated in both 128-bit lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> HalfScales(Vector256<short> scales, int half) => half == 0
            ? Avx2.Permute4x64(scales.AsUInt64(), 0b01_00_01_00).AsByte()
            : Avx2.Permute4x64(scales.AsUInt64(), 0b11_10_11_10).AsByte();

        /// <summary>Scale of sub-block 2k of the half in the low 128-bit lane, of 2k + 1 in the high lane (quarter row k).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<short> Scales16(Vector256<byte> half, int k)
        {
            var pick = Vector256.Create(Vector128.Create((ushort)0x0100).AsByte(), Vector128.Create((ushort)0x0302).AsByte());
            return Avx2.Shuffle(half, pick + Vector256.Create((byte)(4 * k))).AsInt16();
        }
    }

    /// <summary>Low and high nibbles of 32 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte> Low, Vector256<byte> High) Nibbles(Vector256<byte> packed)
    {
        var mask = Vector256.Create((byte)0x0F);
        return (packed & mask, (packed.AsUInt16() >>> 4).AsByte() & mask);
    }

    /// <summary><c>scale · Σ q[j] · x[j]</c> over 32 values in 8 int32 lanes (q unsigned ≤ 63, so no 16-bit saturation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ScaledDot(Vector256<byte> q, sbyte* x, Vector256<short> scale) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q, Vector256.Load(x)), scale);

    /// <summary>
    /// Unpacks a Q4_K/Q5_K block's 6-bit scales (as 8 shorts, repeated in both 128-bit lanes, for
    /// <see cref="SubBlockScales"/>) and returns its mins, each repeated twice, as 16 shorts aligned with the activation
    /// sums of 16 values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte> Scales, Vector256<short> Mins) UnpackK4(byte* packed)
    {
        var (scales, mins) = Dequantize.UnpackScaleMinK4(new ReadOnlySpan<byte>(packed, 12));
        var m = Vector128.CreateScalar(mins).AsByte();
        var s = Sse41.ConvertToVector128Int16(Vector128.CreateScalar(scales).AsByte()).AsByte();
        return (Vector256.Create(s, s), Avx2.ConvertToVector256Int16(Sse2.UnpackLow(m, m)).AsInt16());
    }

    /// <summary>
    /// Broadcasts of the scales of sub-blocks 2c and 2c + 1 from <paramref name="scales"/> (8 shorts, repeated in both
    /// 128-bit lanes), by byte shuffles rather than scalar extracts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<short> Low, Vector256<short> High) SubBlockScales(Vector256<byte> scales, [ConstantExpected(Min = 0, Max = 3)] int c)
    {
        var low = Vector256.Create((ushort)(0x0100 + (0x0404 * c))).AsByte();
        var high = Vector256.Create((ushort)(0x0302 + (0x0404 * c))).AsByte();
        return (Avx2.Shuffle(scales, low).AsInt16(), Avx2.Shuffle(scales, high).AsInt16());
    }

    /// <summary>
    /// Ends one 256-value block for one input row: <c>acc += float(sumi) · d · d_x</c> and
    /// <c>offsetAcc += float(Σ_k offsets[k] · sums[k]) · dOffset · d_x</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishBlock(
        ref Vector256<float> acc, ref Vector256<float> offsetAcc, Vector256<int> sumi, Vector256<short> offsets,
        in ActivationRows x, int row, int block, float d, float dOffset)
    {
        var dx = x.Scales(row)[block];
        acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sumi), Vector256.Create(d * dx), acc);
        var offsetSums = Avx2.MultiplyAddAdjacent(Vector256.Load(x.Sums(row) + (16 * block)), offsets);
        offsetAcc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(offsetSums), Vector256.Create(dOffset * dx), offsetAcc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Finish4(
        Vector256<float> acc0, Vector256<float> acc1, Vector256<float> acc2, Vector256<float> acc3,
        Vector256<float> off0, Vector256<float> off1, Vector256<float> off2, Vector256<float> off3) =>
        Vector128.Create(
            Vector256.Sum(acc0) - Vector256.Sum(off0),
            Vector256.Sum(acc1) - Vector256.Sum(off1),
            Vector256.Sum(acc2) - Vector256.Sum(off2),
            Vector256.Sum(acc3) - Vector256.Sum(off3));
}
