using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Serving.Engine.Kernels;

/// <summary>
/// Rounds activations to 8 bits per block exactly as llama.cpp's x86 CPU backend does before its integer dot products, so
/// our 8-bit path reproduces its numbers (and the oracle's <c>ref_f64_actq</c>).
/// </summary>
internal static unsafe class Quantize
{
    /// <summary>
    /// Q8_0 (blocks of 32): <c>amax = max|x|</c>, <c>q = round_half_even(x * (127 / amax))</c>, stored scale
    /// <c>d = half(amax / 127)</c> (ggml keeps d as a half; the multiplier is the unrounded 127 / amax, as in ggml's AVX code).
    /// </summary>
    /// <param name="blockSums">
    /// When not null, receives each block's sum as ggml's Q8_1 stores it, <c>s = half(amax / 127 · Σ q)</c> (unrounded d, the
    /// product rounded to a half): what Q4_1/Q5_1 mins multiply.
    /// </param>
    public static void RowQ8_0(float* x, int columns, sbyte* quants, float* scales, float* blockSums = null)
    {
        for (var b = 0; b < columns / 32; b++, x += 32, quants += 32)
        {
            var amax = MaxMagnitude(x, 32);
            scales[b] = Fp16.Round(amax / 127f);
            var id = amax != 0f ? 127f / amax : 0f;
            if (Avx2.IsSupported)
            {
                var m = Vector256.Create(id);
                var lo = Vector256.Narrow(RoundToInt32(Vector256.Load(x) * m), RoundToInt32(Vector256.Load(x + 8) * m));
                var hi = Vector256.Narrow(RoundToInt32(Vector256.Load(x + 16) * m), RoundToInt32(Vector256.Load(x + 24) * m));
                Vector256.Narrow(lo, hi).Store(quants);
            }
            else
            {
                for (var j = 0; j < 32; j++)
                {
                    quants[j] = (sbyte)MathF.Round(x[j] * id);
                }
            }

            if (blockSums != null)
            {
                var sum = 0;
                for (var j = 0; j < 32; j++)
                {
                    sum += quants[j];
                }

                blockSums[b] = Fp16.Round(amax / 127f * sum);
            }
        }
    }

    /// <summary>
    /// Q8_K (blocks of 256; ggml's <c>quantize_row_q8_K_ref</c>, which x86 uses): <c>max</c> = the first value of largest
    /// magnitude, <c>iscale = -127 / max</c>, <c>q = min(127, round_half_even(iscale * x))</c>, <c>d = 1 / iscale</c>, and
    /// <c>sums[k]</c> = the sum of q over values 16k..16k+15.
    /// </summary>
    public static void RowQ8_K(float* x, int columns, sbyte* quants, float* scales, short* sums)
    {
        for (var b = 0; b < columns / 256; b++, x += 256, quants += 256, sums += 16)
        {
            var amax = MaxMagnitude(x, 256);
            if (amax == 0f)
            {
                scales[b] = 0f;
                new Span<sbyte>(quants, 256).Clear();
                new Span<short>(sums, 16).Clear();
                continue;
            }

            var max = x[FirstWithMagnitude(x, 256, amax)];
            var iscale = -127f / max;
            if (Avx2.IsSupported)
            {
                var m = Vector256.Create(iscale);
                var limit = Vector256.Create(127);
                for (var k = 0; k < 16; k += 2)
                {
                    var p = x + (16 * k);
                    var i0 = Avx2.Min(RoundToInt32(Vector256.Load(p) * m), limit);
                    var i1 = Avx2.Min(RoundToInt32(Vector256.Load(p + 8) * m), limit);
                    var i2 = Avx2.Min(RoundToInt32(Vector256.Load(p + 16) * m), limit);
                    var i3 = Avx2.Min(RoundToInt32(Vector256.Load(p + 24) * m), limit);
                    Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).Store(quants + (16 * k));
                    sums[k] = (short)Vector256.Sum(i0 + i1);
                    sums[k + 1] = (short)Vector256.Sum(i2 + i3);
                }
            }
            else
            {
                for (var k = 0; k < 16; k++)
                {
                    var sum = 0;
                    for (var j = 16 * k; j < (16 * k) + 16; j++)
                    {
                        var q = Math.Min(127, (int)MathF.Round(iscale * x[j]));
                        quants[j] = (sbyte)q;
                        sum += q;
                    }

                    sums[k] = (short)sum;
                }
            }

            scales[b] = 1f / iscale;
        }
    }

    private static Vector256<int> RoundToInt32(Vector256<float> value) =>
        Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(value));

    /// <summary><c>max |x[j]|</c> over <paramref name="count"/> values (a multiple of 32).</summary>
    private static float MaxMagnitude(float* x, int count)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            var amax = 0f;
            for (var j = 0; j < count; j++)
            {
                amax = MathF.Max(amax, MathF.Abs(x[j]));
            }

            return amax;
        }

        var m = Vector256<float>.Zero;
        for (var j = 0; j < count; j += 8)
        {
            m = Vector256.Max(m, Vector256.Abs(Vector256.Load(x + j)));
        }

        var h = Vector128.Max(m.GetLower(), m.GetUpper());
        return MathF.Max(MathF.Max(h[0], h[1]), MathF.Max(h[2], h[3]));
    }

    /// <summary>The first index whose magnitude equals <paramref name="amax"/> (which occurs in the block).</summary>
    private static int FirstWithMagnitude(float* x, int count, float amax)
    {
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var target = Vector256.Create(amax);
            for (; j < count; j += 8)
            {
                var mask = Vector256.Equals(Vector256.Abs(Vector256.Load(x + j)), target).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return j + BitOperations.TrailingZeroCount(mask);
                }
            }
        }

        for (j = 0; j < count; j++)
        {
            if (MathF.Abs(x[j]) == amax)
            {
                return j;
            }
        }

        throw new InvalidOperationException("amax does not occur in the block.");
    }
}
