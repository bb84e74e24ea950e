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
    /// The kernel for 32-value weight blocks with a leading half scale. Block scales are converted 8 at a time and premultiplied
    /// by the activation scales; even and odd blocks accumulate separately so consecutive FMAs do not wait on each other.
    /// </summary>
    internal readonly struct Q8Kernel<TBlocks> : IQuantizedKernel
        where TBlocks : IQ8Blocks
    {
        public static int ActivationBlock => 32;

        public static float Dot(byte* weights, in ActivationRows x, int row, int blocks)
        {
            Vector256<float> even = default, odd = default;
            var weightScales = stackalloc float[8];
            var scales = stackalloc float[8];
            sbyte* q = x.Quants(row);
            for (var b = 0; b < blocks; b += 8)
            {
                var count = Math.Min(8, blocks - b);
                var group = weights + (b * TBlocks.BlockBytes);
                WeightScales(group, TBlocks.BlockBytes, count, weightScales);
                CombineScales(weightScales, x.Scales(row) + b, count, scales);
                for (var i = 0; i < count; i += 2)
                {
                    var w = TBlocks.Values(group + (i * TBlocks.BlockBytes));
                    AccumulateQ8(ref even, Avx2.Abs(w), w, q + (32 * (b + i)), scales[i]);
                    if (i + 1 < count)
                    {
                        w = TBlocks.Values(group + ((i + 1) * TBlocks.BlockBytes));
                        AccumulateQ8(ref odd, Avx2.Abs(w), w, q + (32 * (b + i + 1)), scales[i + 1]);
                    }
                }
            }

            return Vector256.Sum(even + odd);
        }

        public static Vector128<float> Dot4(byte* weights, in ActivationRows x, int row, int blocks)
        {
            Vector256<float> even0 = default, even1 = default, even2 = default, even3 = default;
            Vector256<float> odd0 = default, odd1 = default, odd2 = default, odd3 = default;
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
                for (var i = 0; i < count; i += 2)
                {
                    var o = 32 * (b + i);
                    var w = TBlocks.Values(group + (i * TBlocks.BlockBytes));
                    var wAbs = Avx2.Abs(w);
                    AccumulateQ8(ref even0, wAbs, w, q0 + o, scales[i]);
                    AccumulateQ8(ref even1, wAbs, w, q1 + o, scales[8 + i]);
                    AccumulateQ8(ref even2, wAbs, w, q2 + o, scales[16 + i]);
                    AccumulateQ8(ref even3, wAbs, w, q3 + o, scales[24 + i]);
                    if (i + 1 < count)
                    {
                        w = TBlocks.Values(group + ((i + 1) * TBlocks.BlockBytes));
                        wAbs = Avx2.Abs(w);
                        AccumulateQ8(ref odd0, wAbs, w, q0 + o + 32, scales[i + 1]);
                        AccumulateQ8(ref odd1, wAbs, w, q1 + o + 32, scales[9 + i]);
                        AccumulateQ8(ref odd2, wAbs, w, q2 + o + 32, scales[17 + i]);
                        AccumulateQ8(ref odd3, wAbs, w, q3 + o + 32, scales[25 + i]);
                    }
                }
            }

            return Vector128.Create(Vector256.Sum(even0 + odd0), Vector256.Sum(even1 + odd1), Vector256.Sum(even2 + odd2), Vector256.Sum(even3 + odd3));
        }
    }

    /// <summary>
    /// The half scales of <paramref name="count"/> (≤ 8) consecutive blocks <paramref name="stride"/> bytes apart, as floats.
    /// A full group is gathered and converted in one vector (each lane reads the 2 scale bytes and the block's next 2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightScales(byte* first, int stride, int count, float* destination)
    {
        if (count == 8)
        {
            var offsets = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * stride;
            var bits = Avx2.GatherVector256((int*)first, offsets, 1).AsUInt32() & Vector256.Create(0xFFFFu);
            var magnitude = (((bits & Vector256.Create(0x8000u)) << 16) | ((bits & Vector256.Create(0x7FFFu)) << 13)).AsSingle();
            (magnitude * Vector256.Create(5.192296858534828e33f)).Store(destination); // 2^112, as Fp16.LoadScale
            return;
        }

        for (var i = 0; i < count; i++)
        {
            destination[i] = Fp16.LoadScale(first + (i * stride));
        }
    }

    /// <summary><c>destination[i] = weightScales[i] · activationScales[i]</c> for i &lt; count (vector or scalar, same IEEE products).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CombineScales(float* weightScales, float* activationScales, int count, float* destination)
    {
        if (count == 8)
        {
            (Vector256.Load(weightScales) * Vector256.Load(activationScales)).Store(destination);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            destination[i] = weightScales[i] * activationScales[i];
        }
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
