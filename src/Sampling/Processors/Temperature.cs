using System.Numerics.Tensors;

namespace Serving.Sampling.Processors;

/// <summary>Third stage: turns logits into unnormalized probabilities <c>w[i] = exp((x[i] - max) / T)</c>.</summary>
/// <remarks>Subtracting the max first keeps exp in range for any logits (even ~1000) and makes the most likely token weigh
/// 1 (up to the SIMD exp's last-bit rounding), which min-p uses as its reference. Normalizing is left to the draw, which sums what survives.</remarks>
internal static class Temperature
{
    /// <summary>Weights of every token (SIMD).</summary>
    public static void ToWeights(ReadOnlySpan<float> logits, float max, float temperature, Span<float> weights)
    {
        TensorPrimitives.Subtract(logits, max, weights);
        if (temperature != 1f)
        {
            TensorPrimitives.Multiply(weights, 1f / temperature, weights);
        }

        TensorPrimitives.Exp(weights, weights);
    }

    /// <summary>Weights of the given tokens only (the rest of <paramref name="weights"/> is left stale).</summary>
    public static void ToWeights(ReadOnlySpan<float> logits, ReadOnlySpan<int> ids, float max, float temperature,
        Span<float> weights)
    {
        var inverse = 1f / temperature;
        foreach (var id in ids)
        {
            weights[id] = MathF.Exp((logits[id] - max) * inverse);
        }
    }
}
