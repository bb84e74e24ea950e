using System.Numerics;

namespace Serving.Sampling.Processors;

/// <summary>Sixth stage: drop tokens whose weight is below <c>minP × weight(most likely)</c>.</summary>
/// <remarks>Weights come from <see cref="Temperature"/>, so the most likely token weighs exactly 1 and the threshold is
/// minP itself. Top-p and min-p each keep a most-likely-first prefix, so applying min-p as a filter before top-p's search
/// (with top-p's target mass still taken from the full candidate set) gives the same set as top-p then min-p, on fewer
/// candidates. Zero weights are dropped too: they can never be drawn.</remarks>
internal static class MinP
{
    /// <summary>Compacts <paramref name="ids"/> in place to those with weight ≥ <paramref name="threshold"/>; returns how
    /// many remain.</summary>
    public static int Filter(Span<int> ids, ReadOnlySpan<float> weights, float threshold)
    {
        threshold = EffectiveThreshold(threshold);
        var count = 0;
        foreach (var id in ids)
        {
            if (weights[id] >= threshold)
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
        threshold = EffectiveThreshold(threshold);
        var count = 0;
        var id = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Skip whole vectors below the threshold: with min-p set, that is nearly all of the vocabulary.
            var limit = new Vector<float>(threshold);
            for (; id <= weights.Length - Vector<float>.Count; id += Vector<float>.Count)
            {
                if (!Vector.GreaterThanOrEqualAny(new Vector<float>(weights[id..]), limit))
                {
                    continue;
                }

                for (var j = id; j < id + Vector<float>.Count; j++)
                {
                    if (weights[j] >= threshold)
                    {
                        destination[count++] = j;
                    }
                }
            }
        }

        for (; id < weights.Length; id++)
        {
            if (weights[id] >= threshold)
            {
                destination[count++] = id;
            }
        }

        return count;
    }

    /// <summary>Zero weights are never kept: w ≥ ε is w &gt; 0.</summary>
    private static float EffectiveThreshold(float threshold) => Math.Max(threshold, float.Epsilon);
}
