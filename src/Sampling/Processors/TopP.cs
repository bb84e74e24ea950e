using System.Numerics;

namespace Serving.Sampling.Processors;

/// <summary>Fifth stage: nucleus sampling, keep the smallest most-likely-first set of candidates whose mass reaches the
/// target, without sorting the candidates.</summary>
/// <remarks>
/// <see cref="Select"/> is a quickselect on mass. Each round partitions the undecided range around a pivot weight (3-way,
/// so ties cannot stall it):
/// <code>
///   ids: [ kept | &gt; pivot | == pivot | &lt; pivot | dropped ]
///          0    lo         gt         lt          hi
/// </code>
/// If the "&gt; pivot" part alone reaches the mass still needed, recurse into it; otherwise keep it, take as many "== pivot"
/// ids as needed (they are interchangeable), or keep them all and recurse into "&lt; pivot". Expected O(n) like
/// nth_element; small ranges are finished by insertion sort.
/// <see cref="SelectFromAll"/> (top-k off) first narrows the cut with branch-free SIMD passes over the whole vocabulary,
/// so the gather-heavy quickselect only sees the few ids near the cut.
/// </remarks>
internal static class TopP
{
    private const int SmallRange = 16;

    // NOTE: below this many ids left between the bounds, one quickselect beats more SIMD passes over the vocabulary.
    private const int MaxBracketCount = 2048;

    /// <summary>Reorders <paramref name="ids"/> so that the kept set is a prefix and returns its length: the fewest ids, taken
    /// by decreasing weight, whose summed weight is ≥ <paramref name="targetMass"/> (all of them if the total falls short).
    /// </summary>
    public static int Select(Span<int> ids, ReadOnlySpan<float> weights, double targetMass)
    {
        var needed = targetMass;
        var lo = 0;
        var hi = ids.Length;
        while (hi - lo > SmallRange)
        {
            var pivot = MedianOfThree(weights[ids[lo]], weights[ids[lo + (hi - lo) / 2]], weights[ids[hi - 1]]);
            var (gt, lt, massGreater) = Partition(ids, weights, lo, hi, pivot);
            if (massGreater >= needed)
            {
                hi = gt;
                continue;
            }

            needed -= massGreater;
            var numEqual = lt - gt;
            if (numEqual * (double)pivot >= needed)
            {
                return gt + Math.Clamp((int)Math.Ceiling(needed / pivot), 1, numEqual);
            }

            needed -= numEqual * (double)pivot;
            lo = lt;
        }

        TopK.SortDescending(ids[lo..hi], weights);
        for (var i = lo; i < hi; i++)
        {
            needed -= weights[ids[i]];
            if (needed <= 0)
            {
                return i + 1;
            }
        }

        return hi;
    }

    /// <summary>Top-p over every token with weight ≥ <paramref name="minWeight"/> (and &gt; 0): writes the kept ids to
    /// <paramref name="destination"/> and returns how many. Same set as <see cref="Select"/> over those ids.
    /// <paramref name="totalMass"/> is the sum of all weights, <paramref name="targetMass"/> = top_p × it.</summary>
    /// <remarks>
    /// Bisects a weight threshold on the float bit pattern (positive floats order like their bits) while keeping
    /// mass(w ≥ lower) ≥ target &gt; mass(w ≥ upper); everything ≥ upper is then surely kept and only the ids in
    /// [lower, upper) go through <see cref="Select"/>, for the mass still missing.
    /// </remarks>
    public static int SelectFromAll(ReadOnlySpan<float> weights, float minWeight, double totalMass, double targetMass,
        Span<int> destination)
    {
        // NOTE: start the bracket where the answer must lie. Tokens below tau = (total - target) / n weigh at most
        // n · tau = total - target together, so mass(w ≥ tau) ≥ target; and no weight exceeds 1. Should rounding in the
        // caller's total break that bound, restart from the min-p floor.
        var tau = (float)Math.Max(0.0, (totalMass - targetMass) / Math.Max(weights.Length, 1));
        var lowerBits = Math.Max(BitConverter.SingleToInt32Bits(Math.Max(minWeight, tau)), 1);
        var (lowerMass, lowerCount) = MassAtOrAbove(weights, BitConverter.Int32BitsToSingle(lowerBits));
        if (lowerMass < targetMass && tau > minWeight)
        {
            lowerBits = Math.Max(BitConverter.SingleToInt32Bits(minWeight), 1);
            (lowerMass, lowerCount) = MassAtOrAbove(weights, BitConverter.Int32BitsToSingle(lowerBits));
        }

        var upperBits = BitConverter.SingleToInt32Bits(1f) + 1;
        var upperCount = 0;
        if (lowerMass >= targetMass)
        {
            while (lowerCount - upperCount > MaxBracketCount && upperBits - lowerBits > 1)
            {
                var middleBits = lowerBits + (upperBits - lowerBits) / 2;
                var (mass, count) = MassAtOrAbove(weights, BitConverter.Int32BitsToSingle(middleBits));
                if (mass >= targetMass)
                {
                    (lowerBits, lowerMass, lowerCount) = (middleBits, mass, count);
                }
                else
                {
                    (upperBits, upperCount) = (middleBits, count);
                }
            }
        }
        else
        {
            upperBits = lowerBits;
        }

        var lower = BitConverter.Int32BitsToSingle(lowerBits);
        var upper = BitConverter.Int32BitsToSingle(upperBits);
        var (numSure, bracketEnd) = SplitAtBracket(weights, lower, upper, destination);
        if (bracketEnd == destination.Length)
        {
            return numSure;
        }

        // Move the bracket (written from the back) next to the sure ids, then pick from it what is still missing.
        var bracket = destination[bracketEnd..];
        bracket.CopyTo(destination[numSure..]);
        bracket = destination.Slice(numSure, bracket.Length);
        var sureMass = 0.0;
        foreach (var id in destination[..numSure])
        {
            sureMass += weights[id];
        }

        // NOTE: the SIMD block sums can differ from this exact sum in the last bits; never keep extra ids for that.
        return sureMass >= targetMass ? numSure : numSure + Select(bracket, weights, targetMass - sureMass);
    }

    /// <summary>Writes the ids with weight ≥ <paramref name="upper"/> to the front of <paramref name="destination"/> (in id
    /// order) and those in [lower, upper) to its back; returns the front count and where the back part starts.</summary>
    private static (int NumSure, int BracketEnd) SplitAtBracket(ReadOnlySpan<float> weights, float lower, float upper,
        Span<int> destination)
    {
        var numSure = 0;
        var bracketEnd = destination.Length;
        var id = 0;
        var limit = new Vector<float>(lower);
        while (id < weights.Length)
        {
            // Skip whole vectors below the bracket: after the bisection that is nearly all of the vocabulary.
            var end = Math.Min(id + Vector<float>.Count, weights.Length);
            if (Vector.IsHardwareAccelerated && end - id == Vector<float>.Count
                && !Vector.GreaterThanOrEqualAny(new Vector<float>(weights[id..]), limit))
            {
                id = end;
                continue;
            }

            for (; id < end; id++)
            {
                var w = weights[id];
                if (w >= upper)
                {
                    destination[numSure++] = id;
                }
                else if (w >= lower)
                {
                    destination[--bracketEnd] = id;
                }
            }
        }

        return (numSure, bracketEnd);
    }

    /// <summary>Sum and count of the weights ≥ <paramref name="threshold"/> (SIMD, float partial sums flushed to double per
    /// block so precision does not degrade with the vocabulary size).</summary>
    private static (double Mass, int Count) MassAtOrAbove(ReadOnlySpan<float> weights, float threshold)
    {
        const int BlockVectors = 256;
        var mass = 0.0;
        var count = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<float>(threshold);
            var counts = Vector<int>.Zero;
            while (i <= weights.Length - Vector<float>.Count)
            {
                var partial = Vector<float>.Zero;
                for (var v = 0; v < BlockVectors && i <= weights.Length - Vector<float>.Count; v++, i += Vector<float>.Count)
                {
                    var w = new Vector<float>(weights[i..]);
                    var keep = Vector.GreaterThanOrEqual(w, limit);
                    partial += Vector.ConditionalSelect(keep, w, Vector<float>.Zero);
                    counts -= keep;  // lanes are -1 where kept
                }

                mass += Vector.Sum(partial);
            }

            count = Vector.Sum(counts);
        }

        for (; i < weights.Length; i++)
        {
            if (weights[i] >= threshold)
            {
                mass += weights[i];
                count++;
            }
        }

        return (mass, count);
    }

    /// <summary>Dijkstra 3-way partition of <c>ids[lo..hi)</c> by weight: [lo, gt) above, [gt, lt) equal, [lt, hi) below the
    /// pivot. Returns the bounds and the mass of the "above" part.</summary>
    private static (int Gt, int Lt, double MassGreater) Partition(Span<int> ids, ReadOnlySpan<float> weights, int lo, int hi,
        float pivot)
    {
        var gt = lo;
        var i = lo;
        var lt = hi;
        var massGreater = 0.0;
        while (i < lt)
        {
            var id = ids[i];
            var w = weights[id];
            if (w > pivot)
            {
                ids[i++] = ids[gt];
                ids[gt++] = id;
                massGreater += w;
            }
            else if (w < pivot)
            {
                ids[i] = ids[--lt];
                ids[lt] = id;
            }
            else
            {
                i++;
            }
        }

        return (gt, lt, massGreater);
    }

    private static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
