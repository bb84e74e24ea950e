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
    public static void RowQ8_0(float* x, int columns, sbyte* quants, float* scales)
    {
        for (var b = 0; b < columns / 32; b++, x += 32, quants += 32)
        {
            var amax = 0f;
            for (var j = 0; j < 32; j++)
            {
                amax = MathF.Max(amax, MathF.Abs(x[j]));
            }

            scales[b] = Fp16.Round(amax / 127f);
            var id = amax != 0f ? 127f / amax : 0f;
            if (Avx2.IsSupported)
            {
                var m = Vector256.Create(id);
                var i0 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Vector256.Load(x) * m));
                var i1 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Vector256.Load(x + 8) * m));
                var i2 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Vector256.Load(x + 16) * m));
                var i3 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Vector256.Load(x + 24) * m));
                var lo = Vector256.Narrow(i0, i1);
                var hi = Vector256.Narrow(i2, i3);
                Vector256.Narrow(lo, hi).Store(quants);
            }
            else
            {
                for (var j = 0; j < 32; j++)
                {
                    quants[j] = (sbyte)MathF.Round(x[j] * id);
                }
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
            float amax = 0f, max = 0f;
            for (var j = 0; j < 256; j++)
            {
                var ax = MathF.Abs(x[j]);
                if (ax > amax)
                {
                    amax = ax;
                    max = x[j];
                }
            }

            if (amax == 0f)
            {
                scales[b] = 0f;
                new Span<sbyte>(quants, 256).Clear();
                new Span<short>(sums, 16).Clear();
                continue;
            }

            var iscale = -127f / max;
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

            scales[b] = 1f / iscale;
        }
    }
}
