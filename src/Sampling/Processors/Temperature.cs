using System.Numerics;

namespace Serving.Sampling.Processors;

/// <summary>Third stage: turns logits into unnormalized probabilities <c>w[i] = exp((x[i] - max) / T)</c>.</summary>
/// <remarks>Subtracting the max first keeps exp in range for any logits (even ~1000) and makes the most likely token weigh
/// exactly 1, which min-p uses as its reference. Normalizing is left to the draw, which sums what survives. Fused into one
/// SIMD pass (subtract, scale, <see cref="FastExp"/>) because it runs over the whole vocabulary on every token.</remarks>
internal static class Temperature
{
    /// <summary>Weights of every token. Requires max ≥ every logit and no NaN.</summary>
    public static void ToWeights(ReadOnlySpan<float> logits, float max, float temperature, Span<float> weights)
    {
        var scale = 1f / temperature;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectorMax = new Vector<float>(max);
            var vectorScale = new Vector<float>(scale);
            for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var x = (new Vector<float>(logits[i..]) - vectorMax) * vectorScale;
                FastExp.Exp(x).CopyTo(weights[i..]);
            }
        }

        for (; i < logits.Length; i++)
        {
            weights[i] = FastExp.Exp((logits[i] - max) * scale);
        }
    }

    /// <summary>Weights of the given tokens only (the rest of <paramref name="weights"/> is left stale).</summary>
    public static void ToWeights(ReadOnlySpan<float> logits, ReadOnlySpan<int> ids, float max, float temperature,
        Span<float> weights)
    {
        var scale = 1f / temperature;
        foreach (var id in ids)
        {
            weights[id] = FastExp.Exp((logits[id] - max) * scale);
        }
    }
}
