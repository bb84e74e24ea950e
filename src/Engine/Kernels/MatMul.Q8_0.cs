using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>
/// Q8_0, Q4_0 and Q5_0 weights against Q8_0 activations: <c>Σ_b d_w[b] · d_x[b] · Σ_j q_w[j] · q_x[j]</c>, one int32 dot
/// product and one FMA per 32-value block. Without VNNI the signed × signed bytes go through <c>maddubs(|w|, sign(x, w))</c>
/// (|w| ≤ 128 and |x| ≤ 127 keep the 16-bit pair sums below saturation) and <c>madd</c> with ones widens the pairs.
/// Q4_1 and Q5_1 (unsigned values, same dot products) add their mins against Q8_1 activations:
/// <c>+ Σ_b m_w[b] · s_x[b]</c>, where <c>s_x ≈ d_x · Σ q_x</c> is the activation block's sum (<see cref="Quantize.RowQ8_0"/>).
/// </summary>
public static unsafe partial class MatMul
{
    /// <summary>Q8_0 weights: blocks of 34 bytes, { half d; int8 q[32] }.</summary>
    internal readonly struct Q8_0Blocks : IQ8Blocks
    {
        public static int BlockBytes => 34;

        public static bool HasMin => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block) => Vector256.Load((sbyte*)(block + 2));
    }

    /// <summary>Q4_0 weights: blocks of 18 bytes, { half d; uint8 qs[16] }; value j = (low nibble of qs[j]) - 8, j + 16 = (high nibble) - 8.</summary>
    internal readonly struct Q4_0Blocks : IQ8Blocks
    {
        public static int BlockBytes => 18;

        public static bool HasMin => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block) => Nibbles32(block + 2).AsSByte() - Vector256.Create((sbyte)8);
    }

    /// <summary>Q5_0 weights: blocks of 22 bytes, { half d; uint32 qh; uint8 qs[16] }; value j = (nibble j | bit j of qh as 16) - 16.</summary>
    internal readonly struct Q5_0Blocks : IQ8Blocks
    {
        public static int BlockBytes => 22;

        public static bool HasMin => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block) =>
            (Nibbles32(block + 6) | FifthBits(block + 2)).AsSByte() - Vector256.Create((sbyte)16);
    }

    /// <summary>Q4_1 weights: blocks of 20 bytes, { half d; half m; uint8 qs[16] }; value j = nibble j.</summary>
    internal readonly struct Q4_1Blocks : IQ8Blocks
    {
        public static int BlockBytes => 20;

        public static bool HasMin => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block) => Nibbles32(block + 4).AsSByte();
    }

    /// <summary>Q5_1 weights: blocks of 24 bytes, { half d; half m; uint32 qh; uint8 qs[16] }; value j = nibble j | bit j of qh as 16.</summary>
    internal readonly struct Q5_1Blocks : IQ8Blocks
    {
        public static int BlockBytes => 24;

        public static bool HasMin => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<sbyte> Values(byte* block) => (Nibbles32(block + 8) | FifthBits(block + 4)).AsSByte();
    }

    /// <summary>
    /// The kernel for 32-value weight blocks with a leading half scale (and min). A weight row's block scales (and mins) are
    /// converted once (<see cref="PrepareRow"/>), and each dot product first multiplies the scales by its activation row's
    /// scales 8 at a time, so the block loop is only loads, integer dot products and one FMA per block and input row. Even
    /// and odd blocks accumulate separately so consecutive FMAs do not wait on each other. The mins' term is a dot product
    /// with the activation block sums, added after the main sum.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Q8Kernel<TBlocks> : IQuantizedKernel
        where TBlocks : IQ8Blocks
    {
        public static int ActivationBlock => 32;

        /// <summary>Scales in <c>rowScratch[0 .. blocks)</c>, mins (if any) from <c>Mins(blocks)</c> on, each zero-padded to a multiple of 8.</summary>
        public static int RowScratchFloats(int blocks) => TBlocks.HasMin ? 2 * Mins(blocks) : Mins(blocks);

        /// <summary>The row's block scales (and mins) as floats, then zeros up to the next multiple of 8.</summary>
        /// <remarks>
        /// NOTE: scalar loads, not an AVX2 gather: this is the first touch of the row, and a gather that misses the cache
        /// waits for its 8 lines one after another (a gather here halved decode bandwidth).
        /// </remarks>
        public static void PrepareRow(byte* weights, int blocks, float* rowScratch)
        {
            ConvertHalves(weights, blocks, rowScratch);
            if (TBlocks.HasMin)
            {
                ConvertHalves(weights + 2, blocks, rowScratch + Mins(blocks));
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

            var sum = Vector256.Sum(even + odd);
            return TBlocks.HasMin ? sum + MinsTerm(rowScratch + Mins(blocks), x.BlockSums(row), blocks) : sum;
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
                Block4(weights, b, q0, q1, q2, q3, s0, s1, s2, s3, ref even0, ref even1, ref even2, ref even3);
                Block4(weights + TBlocks.BlockBytes, b + 1, q0, q1, q2, q3, s0, s1, s2, s3, ref odd0, ref odd1, ref odd2, ref odd3);
            }

            if (b < blocks)
            {
                Block4(weights, b, q0, q1, q2, q3, s0, s1, s2, s3, ref even0, ref even1, ref even2, ref even3);
            }

            var sums = Sum4(even0 + odd0, even1 + odd1, even2 + odd2, even3 + odd3);
            if (!TBlocks.HasMin)
            {
                return sums;
            }

            var mins = rowScratch + Mins(blocks);
            return sums + Vector128.Create(
                MinsTerm(mins, x.BlockSums(row), blocks), MinsTerm(mins, x.BlockSums(row + 1), blocks),
                MinsTerm(mins, x.BlockSums(row + 2), blocks), MinsTerm(mins, x.BlockSums(row + 3), blocks));
        }

        /// <summary>Weight block <paramref name="b"/> (at <paramref name="block"/>) against four input rows: the block is read
        /// and its |w| taken once, then each row's <see cref="AccumulateQ8"/> into its own accumulator.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Block4(byte* block, int b, sbyte* q0, sbyte* q1, sbyte* q2, sbyte* q3, float* s0, float* s1, float* s2, float* s3,
            ref Vector256<float> acc0, ref Vector256<float> acc1, ref Vector256<float> acc2, ref Vector256<float> acc3)
        {
            var o = 32 * b;
            var w = TBlocks.Values(block);
            var wAbs = Avx2.Abs(w);
            AccumulateQ8(ref acc0, wAbs, w, q0 + o, s0[b]);
            AccumulateQ8(ref acc1, wAbs, w, q1 + o, s1[b]);
            AccumulateQ8(ref acc2, wAbs, w, q2 + o, s2[b]);
            AccumulateQ8(ref acc3, wAbs, w, q3 + o, s3[b]);
        }

        /// <summary>Offset of the mins in the row scratch (the scales' length, padded).</summary>
        private static int Mins(int blocks) => (blocks + 8) & ~7;

        /// <summary>The half at the same offset of each of <paramref name="blocks"/> blocks, as floats, then 8 zeros from the last multiple of 8.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ConvertHalves(byte* first, int blocks, float* destination)
        {
            Vector256<float>.Zero.Store(destination + (blocks & ~7));
            var b = 0;
            for (; b + 8 <= blocks; b += 8)
            {
                Fp16.LoadScales8(first + (b * TBlocks.BlockBytes), TBlocks.BlockBytes).Store(destination + b);
            }

            for (; b < blocks; b++)
            {
                destination[b] = Fp16.LoadScale(first + (b * TBlocks.BlockBytes));
            }
        }

        /// <summary><c>Σ_b mins[b] · sums[b]</c>: 8 lanes over whole groups of 8 blocks, summed, then the rest in order.</summary>
        private static float MinsTerm(float* mins, float* sums, int blocks)
        {
            var acc = Vector256<float>.Zero;
            var b = 0;
            for (; b + 8 <= blocks; b += 8)
            {
                acc = Fma.MultiplyAdd(Vector256.Load(mins + b), Vector256.Load(sums + b), acc);
            }

            var total = Vector256.Sum(acc);
            for (; b < blocks; b++)
            {
                total = MathF.FusedMultiplyAdd(mins[b], sums[b], total);
            }

            return total;
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
    /// <c>acc += float(Σ_j w[j] · x[j], in 8 lanes of 4) · scale</c> for one 32-value block, given <c>wAbs</c> = |w| (computed
    /// once per block for all input rows). Also right for unsigned values (formats with a min): there |w| = w, and
    /// <c>sign(x, w)</c> is x except where w = 0, whose product is 0 anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateQ8(ref Vector256<float> acc, Vector256<byte> wAbs, Vector256<sbyte> w, sbyte* x, float scale)
    {
        var pairs = Avx2.MultiplyAddAdjacent(wAbs, Avx2.Sign(Vector256.Load(x), w));
        var sums = Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
        acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(sums), Vector256.Create(scale), acc);
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

    /// <summary>The 32 nibbles of 16 bytes as values 0-15: the low nibbles in order, then the high nibbles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles32(byte* packed)
    {
        var low = Vector128.Create((byte)0x0F);
        var bytes = Vector128.Load(packed);
        return Vector256.Create(bytes & low, (bytes.AsUInt16() >>> 4).AsByte() & low);
    }

    /// <summary>Bit j of the little-endian uint32 at <paramref name="qh"/> as 16 in byte j (Q5_0/Q5_1's fifth bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> FifthBits(byte* qh)
    {
        // NOTE: byte j takes byte j / 8 of qh (a shuffle within each 128-bit lane of the broadcast word), then tests bit j % 8.
        var spread = Avx2.Shuffle(
            Vector256.Create(Unsafe.ReadUnaligned<uint>(qh)).AsByte(),
            Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
        var bit = Vector256.Create(0x8040201008040201ul).AsByte();
        return Vector256.Equals(spread & bit, bit) & Vector256.Create((byte)16);
    }
}
