using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Serving.Engine.Kernels;

/// <summary>Root-mean-square layer norm: <c>destination[i] = x[i] / sqrt(mean(x²) + eps) * weight[i]</c>.</summary>
internal static class RmsNorm
{
    /// <summary>Normalizes one row. <paramref name="destination"/> may be <paramref name="x"/> itself.</summary>
    /// <remarks>The sum of squares is accumulated in double, as ggml's <c>rms_norm</c> does (its <c>ggml_float</c>), in a fixed
    /// order, so a row's result depends on nothing but the row.</remarks>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float epsilon, Span<float> destination)
    {
        if (weight.Length != x.Length || destination.Length != x.Length)
        {
            throw new ArgumentException("x, weight and destination must have the same length");
        }

        if (x.IsEmpty)
        {
            return;
        }

        var mean = SumOfSquares(x) / x.Length;
        var scale = 1.0f / MathF.Sqrt((float)mean + epsilon);
        TensorPrimitives.Multiply(x, scale, destination);
        TensorPrimitives.Multiply(destination, weight, destination);
    }

    private static double SumOfSquares(ReadOnlySpan<float> x)
    {
        ref var start = ref MemoryMarshal.GetReference(x);
        var i = 0;
        var sum = 0.0;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref start, (nuint)i));
                acc0 = Vector512.FusedMultiplyAdd(lo, lo, acc0);
                acc1 = Vector512.FusedMultiplyAdd(hi, hi, acc1);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
                acc0 = Vector256.FusedMultiplyAdd(lo, lo, acc0);
                acc1 = Vector256.FusedMultiplyAdd(hi, hi, acc1);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < x.Length; i++)
        {
            sum += (double)x[i] * x[i];
        }

        return sum;
    }
}
