namespace Serving.Sampling.Processors;

/// <summary>Sixth stage: drop tokens whose weight is below <c>minP × weight(most likely)</c>.</summary>
/// <remarks>Weights come from <see cref="Temperature"/>, so the most likely token weighs 1 and the threshold is minP itself
/// (the SIMD exp's last-bit error, ~1e-7 relative, cannot matter for a user-chosen fraction). Top-p and min-p each keep a most-likely-first prefix, so applying min-p as a filter before top-p's search
/// (with top-p's target mass still taken from the full candidate set) gives the same set as top-p then min-p, on fewer
/// candidates. Zero weights are dropped too: they can never be drawn.</remarks>
internal static class MinP
{
    /// <summary>Compacts <paramref name="ids"/> in place to those with weight ≥ <paramref name="threshold"/>; returns how
    /// many remain.</summary>
    public static int Filter(Span<int> ids, ReadOnlySpan<float> weights, float threshold)
    {
        var count = 0;
        foreach (var id in ids)
        {
            if (Keeps(weights[id], threshold))
            {
                ids[count++] = id;
            }
        }

        return count;
    }

    /// <summary>Writes the ids of all tokens with weight ≥ <paramref name="threshold"/> into <paramref name="destination"/>;
    /// returns how many.</summary>
    public static int Collect(ReadOnlySpan<float> weights, float threshold, Span<int> destination)
    {
        var count = 0;
        for (var id = 0; id < weights.Length; id++)
        {
            if (Keeps(weights[id], threshold))
            {
                destination[count++] = id;
            }
        }

        return count;
    }

    private static bool Keeps(float weight, float threshold) => weight > 0f && weight >= threshold;
}
