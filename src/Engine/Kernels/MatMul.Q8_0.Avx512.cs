using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>
/// The AVX-512BW form of the Q8_0 / Q4_0 kernel: one 512-bit register holds two consecutive blocks, so each instruction does
/// the work of two AVX2 ones. Lanes 0..7 of the accumulator play the AVX2 kernel's even-block accumulator and lanes 8..15 its
/// odd one; the int32 block sums are exact either way, so every lane sees the same FMAs in the same order and the result is
/// bit-identical to the AVX2 path.
/// </summary>
public static unsafe partial class MatMul
{
    internal readonly partial struct Q8Kernel<TBlocks>
    {
        private static float DotPairs(byte* weights, in ActivationRows x, int row, int blocks)
        {
            var acc = Vector512<float>.Zero;
            var weightScales = stackalloc float[8];
            var scales = stackalloc float[8];
            sbyte* q = x.Quants(row);
            for (var b = 0; b < blocks; b += 8)
            {
                var count = Math.Min(8, blocks - b);
                var group = weights + (b * TBlocks.BlockBytes);
                WeightScales(group, TBlocks.BlockBytes, count, weightScales);
                CombineScales(weightScales, x.Scales(row) + b, count, scales);
                var s = Vector256.Load(scales).ToVector512Unsafe();
                var i = 0;
                for (; i + 1 < count; i += 2)
                {
                    var w = TBlocks.Pair(group + (i * TBlocks.BlockBytes));
                    var wAbs = Avx512BW.Abs(w);
                    var negative = Vector512.LessThan(w, Vector512<sbyte>.Zero);
                    var lanes = PairLanes(i);
                    AccumulatePair(ref acc, wAbs, negative, q + (32 * (b + i)), Avx512F.PermuteVar16x32(s, lanes));
                }

                if (i < count)
                {
                    AccumulateLastEven(ref acc, group + (i * TBlocks.BlockBytes), q + (32 * (b + i)), scales[i]);
                }
            }

            return Vector256.Sum(acc.GetLower() + acc.GetUpper());
        }

        private static Vector128<float> Dot4Pairs(byte* weights, in ActivationRows x, int row, int blocks)
        {
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            var weightScales = stackalloc float[8];
            var scales = stackalloc float[32];
            sbyte* q0 = x.Quants(row), q1 = x.Quants(row + 1), q2 = x.Quants(row + 2), q3 = x.Quants(row + 3);
            for (var b = 0; b < blocks; b += 8)
            {
                var count = Math.Min(8, blocks - b);
                var group = weights + (b * TBlocks.BlockBytes);
                WeightScales(group, TBlocks.BlockBytes, count, weightScales);
                CombineScales(weightScales, x.Scales(row) + b, count, scales);
                CombineScales(weightScales, x.Scales(row + 1) + b, count, scales + 8);
                CombineScales(weightScales, x.Scales(row + 2) + b, count, scales + 16);
                CombineScales(weightScales, x.Scales(row + 3) + b, count, scales + 24);
                var s0 = Vector256.Load(scales).ToVector512Unsafe();
                var s1 = Vector256.Load(scales + 8).ToVector512Unsafe();
                var s2 = Vector256.Load(scales + 16).ToVector512Unsafe();
                var s3 = Vector256.Load(scales + 24).ToVector512Unsafe();
                var i = 0;
                for (; i + 1 < count; i += 2)
                {
                    var o = 32 * (b + i);
                    var w = TBlocks.Pair(group + (i * TBlocks.BlockBytes));
                    var wAbs = Avx512BW.Abs(w);
                    var negative = Vector512.LessThan(w, Vector512<sbyte>.Zero);
                    var lanes = PairLanes(i);
                    AccumulatePair(ref acc0, wAbs, negative, q0 + o, Avx512F.PermuteVar16x32(s0, lanes));
                    AccumulatePair(ref acc1, wAbs, negative, q1 + o, Avx512F.PermuteVar16x32(s1, lanes));
                    AccumulatePair(ref acc2, wAbs, negative, q2 + o, Avx512F.PermuteVar16x32(s2, lanes));
                    AccumulatePair(ref acc3, wAbs, negative, q3 + o, Avx512F.PermuteVar16x32(s3, lanes));
                }

                if (i < count)
                {
                    var o = 32 * (b + i);
                    var last = group + (i * TBlocks.BlockBytes);
                    AccumulateLastEven(ref acc0, last, q0 + o, scales[i]);
                    AccumulateLastEven(ref acc1, last, q1 + o, scales[8 + i]);
                    AccumulateLastEven(ref acc2, last, q2 + o, scales[16 + i]);
                    AccumulateLastEven(ref acc3, last, q3 + o, scales[24 + i]);
                }
            }

            return Vector128.Create(
                Vector256.Sum(acc0.GetLower() + acc0.GetUpper()),
                Vector256.Sum(acc1.GetLower() + acc1.GetUpper()),
                Vector256.Sum(acc2.GetLower() + acc2.GetUpper()),
                Vector256.Sum(acc3.GetLower() + acc3.GetUpper()));
        }

        /// <summary>An odd group's last block has no partner: it goes into the even (lower) half alone, through the AVX2 step.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AccumulateLastEven(ref Vector512<float> acc, byte* block, sbyte* x, float scale)
        {
            var w = TBlocks.Values(block);
            var even = acc.GetLower();
            AccumulateQ8(ref even, Avx2.Abs(w), w, x, scale);
            acc = acc.WithLower(even);
        }
    }

    /// <summary>Permutation indices that spread combined scale <paramref name="i"/> over lanes 0..7 and scale i + 1 over lanes 8..15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> PairLanes(int i) =>
        Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1) + Vector512.Create(i);

    /// <summary>
    /// <c>acc += float(Σ_j w[j] · x[j], in 16 lanes of 4) · scales</c> for two consecutive blocks. AVX-512 has no vpsignb, so
    /// the activations are negated where the weight is negative (a masked subtract); where w is 0, |w| is 0 and so is the product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulatePair(ref Vector512<float> acc, Vector512<byte> wAbs, Vector512<sbyte> negative, sbyte* x, Vector512<float> scales)
    {
        var values = Vector512.Load(x);
        var signed = Vector512.ConditionalSelect(negative, Vector512<sbyte>.Zero - values, values);
        var pairs = Avx512BW.MultiplyAddAdjacent(wAbs, signed);
        var sums = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
        acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(sums), scales, acc);
    }
}
