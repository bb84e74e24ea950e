using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>
/// Q8_0 and Q4_0 weights against Q8_0 activations: <c>Σ_b d_w[b] · d_x[b] · Σ_j q_w[j] · q_x[j]</c>, one int32 dot product
/// and one FMA per 32-value block. Without VNNI the signed × signed bytes go through <c>maddubs(|w|, sign(x, w))</c>
/// (|w| ≤ 128 and |x| ≤ 127 keep the 16-bit pair sums below saturation) and <c>madd</c> with ones widens the pairs.
/// </summary>
public static unsafe partial class MatMul
{
    /// <summary>Q8_0 weights: blocks of 34 bytes, { half d; int8 q[32] }.</summary>
    internal readonly struct Q8_0Blocks : IQ8Blocks
    {
        public static int BlockBytes => 34;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block) => Vector256.Load((sbyte*)(block + 2));
    }

    /// <summary>Q4_0 weights: blocks of 18 bytes, { half d; uint8 qs[16] }; value j = (low nibble of qs[j]) - 8, j + 16 = (high nibble) - 8.</summary>
    internal readonly struct Q4_0Blocks : IQ8Blocks
    {
        public static int BlockBytes => 18;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block)
        {
            var low = Vector128.Create((byte)0x0F);
            var bytes = Vector128.Load(block + 2);
            var nibbles = Vector256.Create(bytes & low, (bytes.AsUInt16() >>> 4).AsByte() & low);
            return nibbles.AsSByte() - Vector256.Create((sbyte)8);
        }
    }

    /// <summary>
    /// The kernel for 32-value weight blocks with a leading half scale. A weight row's block scales are converted once
    /// (<see cref="PrepareRow"/>), and each dot product first multiplies them by its activation row's scales 8 at a time, so
    /// the block loop is only loads, integer dot products and one FMA per block and input row. Even and odd blocks accumulate
    /// separately so consecutive FMAs do not wait on each other.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Q8Kernel<TBlocks> : IQuantizedKernel
        where TBlocks : IQ8Blocks
    {
        public static int ActivationBlock => 32;

        /// <summary>The row's block scales as floats, then zeros up to the next multiple of 8.</summary>
        /// <remarks>
        /// NOTE: scalar loads, not an AVX2 gather: this is the first touch of the row, and a gather that misses the cache
        /// waits for its 8 lines one after another (a gather here halved decode bandwidth).
        /// </remarks>
        public static void PrepareRow(byte* weights, int blocks, float* rowScratch)
        {
            Vector256<float>.Zero.Store(rowScratch + (blocks & ~7));
            for (var b = 0; b < blocks; b++)
            {
                rowScratch[b] = Fp16.LoadScale(weights + (b * TBlocks.BlockBytes));
            }
        }

        public static float Dot(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks)
        {
            var scales = stackalloc float[blocks + 8];
            CombineScales(rowScratch, x.Scales(row), blocks, scales);
            Vector256<float> even = default, odd = default;
            var q = x.Quants(row);
            var b = 0;
            for (; b + 2 <= blocks; b += 2, weights += 2 * TBlocks.BlockBytes, q += 64)
            {
                var w = TBlocks.Values(weights);
                AccumulateQ8(ref even, Avx2.Abs(w), w, q, scales[b]);
                w = TBlocks.Values(weights + TBlocks.BlockBytes);
                AccumulateQ8(ref odd, Avx2.Abs(w), w, q + 32, scales[b + 1]);
            }

            if (b < blocks)
            {
                var w = TBlocks.Values(weights);
                AccumulateQ8(ref even, Avx2.Abs(w), w, q, scales[b]);
            }

            return Vector256.Sum(even + odd);
        }

        public static Vector128<float> Dot4(byte* weights, float* rowScratch, in ActivationRows x, int row, int blocks)
        {
            var stride = (blocks + 7) & ~7;
            var scales = stackalloc float[4 * stride];
            float* s0 = scales, s1 = scales + stride, s2 = scales + (2 * stride), s3 = scales + (3 * stride);
            CombineScales(rowScratch, x.Scales(row), blocks, s0);
            CombineScales(rowScratch, x.Scales(row + 1), blocks, s1);
            CombineScales(rowScratch, x.Scales(row + 2), blocks, s2);
            CombineScales(rowScratch, x.Scales(row + 3), blocks, s3);
            Vector256<float> even0 = default, even1 = default, even2 = default, even3 = default;
            Vector256<float> odd0 = default, odd1 = default, odd2 = default, odd3 = default;
            sbyte* q0 = x.Quants(row), q1 = x.Quants(row + 1), q2 = x.Quants(row + 2), q3 = x.Quants(row + 3);
            var b = 0;
            for (; b + 2 <= blocks; b += 2, weights += 2 * TBlocks.BlockBytes)
            {
                var o = 32 * b;
                var w = TBlocks.Values(weights);
                var wAbs = Avx2.Abs(w);
                AccumulateQ8(ref even0, wAbs, w, q0 + o, s0[b]);
                AccumulateQ8(ref even1, wAbs, w, q1 + o, s1[b]);
                AccumulateQ8(ref even2, wAbs, w, q2 + o, s2[b]);
                AccumulateQ8(ref even3, wAbs, w, q3 + o, s3[b]);
                w = TBlocks.Values(weights + TBlocks.BlockBytes);
                wAbs = Avx2.Abs(w);
                AccumulateQ8(ref odd0, wAbs, w, q0 + o + 32, s0[b + 1]);
                AccumulateQ8(ref odd1, wAbs, w, q1 + o + 32, s1[b + 1]);
                AccumulateQ8(ref odd2, wAbs, w, q2 + o + 32, s2[b + 1]);
                AccumulateQ8(ref odd3, wAbs, w, q3 + o + 32, s3[b + 1]);
            }

            if (b < blocks)
            {
                var o = 32 * b;
                var w = TBlocks.Values(weights);
                var wAbs = Avx2.Abs(w);
                AccumulateQ8(ref even0, wAbs, w, q0 + o, s0[b]);
                AccumulateQ8(ref even1, wAbs, w, q1 + o, s1[b]);
                AccumulateQ8(ref even2, wAbs, w, q2 + o, s2[b]);
                AccumulateQ8(ref even3, wAbs, w, q3 + o, s3[b]);
            }

            return Sum4(even0 + odd0, even1 + odd1, even2 + odd2, even3 + odd3);
        }
    }

    /// <summary>
    /// <c>destination[i] = weightScales[i] · activationScales[i]</c> for i &lt; count, 8 at a time (the last vector may read
    /// up to 7 floats past either row: <see cref="Q8Kernel{TBlocks}.PrepareRow"/> pads with zeros and
    /// <see cref="ActivationScratch"/> with 8 spare floats; those lanes are never read back).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CombineScales(float* weightScales, float* activationScales, int count, float* destination)
    {
        for (var i = 0; i < count; i += 8)
        {
            (Vector256.Load(weightScales + i) * Vector256.Load(activationScales + i)).Store(destination + i);
        }
    }

    /// <summary>
    /// <c>[Sum(a), Sum(b), Sum(c), Sum(d)]</c> with three horizontal adds: lane i of the result adds a vector's lanes in
    /// <see cref="Vector256.Sum{T}(Vector256{T})"/>'s order, ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)), so it is bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        var pairs = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
        return pairs.GetLower() + pairs.GetUpper();
    }

    /// <summary><c>acc += float(Σ_j w[j] · x[j], in 8 lanes of 4) · scale</c> for one 32-value block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateQ8(ref Vector256<float> acc, Vector256<byte> wAbs, Vector256<sbyte> w, sbyte* x, float scale)
    {
        var pairs = Avx2.MultiplyAddAdjacent(wAbs, Avx2.Sign(Vector256.Load(x), w));
        var sums = Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
        acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sums), Vector256.Create(scale), acc);
    }
}
