using Serving.Engine.Model;

namespace Serving.Engine.Kernels;

/// <summary>Rotary position embedding: rotates pairs of each head's first <c>ropeDims</c> dimensions by
/// <c>position * freqBase^(-2i / ropeDims)</c>.</summary>
internal static class Rope
{
    /// <summary>Fills the cos and sin of the <c>ropeDims / 2</c> angles of one position:
    /// <c>angle[i] = freqScale * position * freqBase^(-2i / ropeDims) / frequencyFactors[i]</c>.</summary>
    /// <param name="position">Token position.</param>
    /// <param name="freqBase">Rope base (<c>rope.freq_base</c>).</param>
    /// <param name="freqScale">Linear rope scaling: 1 / <c>rope.scaling.factor</c> (1 when unscaled).</param>
    /// <param name="frequencyFactors">Per-pair divisors (<c>rope_freqs.weight</c>, Llama 3.1-style scaling), or empty.</param>
    /// <param name="cos">Receives the cosines.</param>
    /// <param name="sin">Receives the sines.</param>
    /// <remarks>The angle is advanced by repeated float multiplication, exactly as ggml's <c>rope_cache_init</c> does, so
    /// the angles (and logits) follow llama.cpp's rounding rather than a more exact but different one.</remarks>
    public static void ComputeAngles(int position, float freqBase, float freqScale, ReadOnlySpan<float> frequencyFactors, Span<float> cos, Span<float> sin)
    {
        if (sin.Length != cos.Length || (!frequencyFactors.IsEmpty && frequencyFactors.Length != cos.Length))
        {
            throw new ArgumentException("cos, sin and the frequency factors (if any) must have the same length");
        }

        var thetaScale = MathF.Pow(freqBase, -1.0f / cos.Length);
        float theta = position;
        for (var i = 0; i < cos.Length; i++)
        {
            var angle = freqScale * (frequencyFactors.IsEmpty ? theta : theta / frequencyFactors[i]);
            (sin[i], cos[i]) = MathF.SinCos(angle);
            theta *= thetaScale;
        }
    }

    /// <summary>Rotates every head of <paramref name="x"/> ([numHeads, headDim], in place) by the angles of one position
    /// (<c>cos.Length</c> = ropeDims / 2; dimensions from ropeDims on are left unchanged).</summary>
    /// <remarks>
    /// <code>
    ///   Normal: (x[2i], x[2i+1])          rotated by angle i     (llama)
    ///   Neox:   (x[i],  x[i + ropeDims/2]) rotated by angle i     (qwen2)
    /// </code>
    /// </remarks>
    public static void Apply(Span<float> x, int headDim, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, RopeStyle style)
    {
        var half = cos.Length;
        if (sin.Length != half || 2 * half > headDim || x.Length % headDim != 0)
        {
            throw new ArgumentException("x must be whole heads and the angles must cover at most headDim / 2 pairs");
        }

        for (var h = 0; h < x.Length; h += headDim)
        {
            var head = x.Slice(h, headDim);
            var stride = style == RopeStyle.Normal ? 1 : half;
            for (var i = 0; i < half; i++)
            {
                var i0 = style == RopeStyle.Normal ? 2 * i : i;
                var x0 = head[i0];
                var x1 = head[i0 + stride];
                head[i0] = (x0 * cos[i]) - (x1 * sin[i]);
                head[i0 + stride] = (x0 * sin[i]) + (x1 * cos[i]);
            }
        }
    }
}
