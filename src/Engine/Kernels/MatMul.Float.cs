using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Serving.Engine.Kernels;

/// <summary>
/// Float dot products for the exact path (and float weight types): <c>Σ_k w[k] · x[k]</c> in float32 with fused multiply-adds
/// over 8 lanes, alternating two accumulators, then the lane sum and a scalar tail. <see cref="DotFloat4"/> runs the same
/// operations per input row as <see cref="DotFloat"/>, so results are bit-identical whichever is used.
/// </summary>
public static unsafe partial class MatMul
{
    internal static float DotFloat(float* w, float* x, int count)
    {
        Vector256<float> even = default, odd = default;
        var k = 0;
        for (; k + 16 <= count; k += 16)
        {
            var w0 = Vector256.Load(w + k);
            var w1 = Vector256.Load(w + k + 8);
            even = Vector256.FusedMultiplyAdd(w0, Vector256.Load(x + k), even);
            odd = Vector256.FusedMultiplyAdd(w1, Vector256.Load(x + k + 8), odd);
        }

        return FinishFloat(even, odd, w, x, k, count);
    }

    internal static Vector128<float> DotFloat4(float* w, float* x0, float* x1, float* x2, float* x3, int count)
    {
        Vector256<float> even0 = default, even1 = default, even2 = default, even3 = default;
        Vector256<float> odd0 = default, odd1 = default, odd2 = default, odd3 = default;
        var k = 0;
        for (; k + 16 <= count; k += 16)
        {
            var w0 = Vector256.Load(w + k);
            var w1 = Vector256.Load(w + k + 8);
            even0 = Vector256.FusedMultiplyAdd(w0, Vector256.Load(x0 + k), even0);
            even1 = Vector256.FusedMultiplyAdd(w0, Vector256.Load(x1 + k), even1);
            even2 = Vector256.FusedMultiplyAdd(w0, Vector256.Load(x2 + k), even2);
            even3 = Vector256.FusedMultiplyAdd(w0, Vector256.Load(x3 + k), even3);
            odd0 = Vector256.FusedMultiplyAdd(w1, Vector256.Load(x0 + k + 8), odd0);
            odd1 = Vector256.FusedMultiplyAdd(w1, Vector256.Load(x1 + k + 8), odd1);
            odd2 = Vector256.FusedMultiplyAdd(w1, Vector256.Load(x2 + k + 8), odd2);
            odd3 = Vector256.FusedMultiplyAdd(w1, Vector256.Load(x3 + k + 8), odd3);
        }

        return Vector128.Create(
            FinishFloat(even0, odd0, w, x0, k, count),
            FinishFloat(even1, odd1, w, x1, k, count),
            FinishFloat(even2, odd2, w, x2, k, count),
            FinishFloat(even3, odd3, w, x3, k, count));
    }

    /// <summary>Lane sum of both accumulators, then the values from <paramref name="k"/> on one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float FinishFloat(Vector256<float> even, Vector256<float> odd, float* w, float* x, int k, int count)
    {
        var sum = Vector256.Sum(even + odd);
        for (; k < count; k++)
        {
            sum = MathF.FusedMultiplyAdd(w[k], x[k], sum);
        }

        return sum;
    }
}
