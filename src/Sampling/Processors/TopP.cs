namespace Serving.Sampling.Processors;

/// <summary>Fifth stage: nucleus sampling, keep the smallest most-likely-first set of candidates whose mass reaches the
/// target, found by quickselect on mass instead of sorting the candidates.</summary>
/// <remarks>
/// Each round partitions the undecided range around a pivot weight (3-way, so ties cannot stall it):
/// <code>
///   ids: [ kept | &gt; pivot | == pivot | &lt; pivot | dropped ]
///          0    lo         gt         lt          hi
/// </code>
/// If the "&gt; pivot" part alone reaches the mass still needed, recurse into it; otherwise keep it, take as many "== pivot"
/// ids as needed (they are interchangeable), or keep them all and recurse into "&lt; pivot". Expected O(n) like
/// nth_element; small ranges are finished by insertion sort.
/// </remarks>
internal static class TopP
{
    private const int SmallRange = 16;

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
