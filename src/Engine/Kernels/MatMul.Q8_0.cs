using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>Q8_0 and Q4_0 weights against Q8_0 activations.</summary>
public static unsafe partial class MatMul
{
    /// <summary>
    /// Signed 8-bit dot product of 32 lanes into 8 int32 lanes (4 products each) without VNNI:
    /// <c>maddubs(|w|, sign(x, w))</c> turns signed × signed into unsigned × signed (|w| ≤ 128 and |x| ≤ 127 keep the
    /// 16-bit pair sums below saturation), then <c>madd</c> with ones widens the pairs.
    /// </summary>
    internal static Vector256<int> DotSigned(Vector256<sbyte> w, Vector256<sbyte> x) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(w), Avx2.Sign(x, w)), Vector256.Create((short)1));

    /// <summary>Q8_0 weights (blocks of 34 bytes: half d, int8 q[32]): <c>Σ_b d_w[b] · d_x[b] · Σ_j q_w[j] · q_x[j]</c>.</summary>
    internal readonly struct Q8_0Kernel : IQuantizedKernel
    {
        public static float Dot(byte* weights, sbyte* quants, float* scales, short* sums, int blocks)
        {
            var acc = Vector256<float>.Zero;
            for (var b = 0; b < blocks; b++, weights += 34, quants += 32)
            {
                var products = DotSigned(Vector256.Load((sbyte*)(weights + 2)), Vector256.Load(quants));
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(products), Vector256.Create(Fp16.Load(weights) * scales[b]), acc);
            }

            return Vector256.Sum(acc);
        }
    }

    /// <summary>
    /// Q4_0 weights (blocks of 18 bytes: half d, 16 bytes of nibbles, low nibbles are values 0-15, high 16-31):
    /// <c>Σ_b d_w[b] · d_x[b] · Σ_j (q_w[j] - 8) · q_x[j]</c>.
    /// </summary>
    internal readonly struct Q4_0Kernel : IQuantizedKernel
    {
        public static float Dot(byte* weights, sbyte* quants, float* scales, short* sums, int blocks)
        {
            var acc = Vector256<float>.Zero;
            var low = Vector128.Create((byte)0x0F);
            var eight = Vector256.Create((sbyte)8);
            for (var b = 0; b < blocks; b++, weights += 18, quants += 32)
            {
                var packed = Vector128.Load(weights + 2);
                var nibbles = Vector256.Create(packed & low, (packed.AsUInt16() >>> 4).AsByte() & low);
                var products = DotSigned(nibbles.AsSByte() - eight, Vector256.Load(quants));
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(products), Vector256.Create(Fp16.Load(weights) * scales[b]), acc);
            }

            return Vector256.Sum(acc);
        }
    }
}
