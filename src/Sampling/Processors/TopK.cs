using System.Numerics;

namespace Serving.Sampling.Processors;

/// <summary>Fourth stage: partial selection of the k largest logits without sorting the vocabulary.</summary>
/// <remarks>A size-k min-heap whose root is the weakest kept token. One pass over the values; whole SIMD vectors that hold
/// nothing above the root are skipped with one compare, so after the heap settles the pass runs at memory speed.
/// Temperature is a positive scale, so selecting on logits keeps exactly the tokens selecting on probabilities would.</remarks>
internal static class TopK
{
    /// <summary>Writes the ids of the <paramref name="k"/> largest values into <c>destination[..k]</c>, in heap order (not
    /// sorted). Ties keep the lower id. Requires 1 &lt;= k &lt;= values.Length and no NaN.</summary>
    public static void Select(ReadOnlySpan<float> values, int k, Span<int> destination)
    {
        var heap = destination[..k];
        for (var i = 0; i < k; i++)
        {
            heap[i] = i;
        }

        for (var i = k / 2 - 1; i >= 0; i--)
        {
            SiftDown(heap, values, i);
        }

        var root = values[heap[0]];
        var next = k;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            for (; next <= values.Length - width; next += width)
            {
                // NOTE: strict '>' is enough: a later id with the root's value loses the tie, so it never enters.
                if (!Vector.GreaterThanAny(new Vector<float>(values.Slice(next, width)), new Vector<float>(root)))
                {
                    continue;
                }

                for (var j = next; j < next + width; j++)
                {
                    if (values[j] > root)
                    {
                        heap[0] = j;
                        SiftDown(heap, values, 0);
                        root = values[heap[0]];
                    }
                }
            }
        }

        for (; next < values.Length; next++)
        {
            if (values[next] > root)
            {
                heap[0] = next;
                SiftDown(heap, values, 0);
                root = values[heap[0]];
            }
        }
    }

    /// <summary>Index of the first element equal to <paramref name="max"/> (the row's maximum): the argmax with ties to the
    /// lower id. One SIMD compare per vector; cheaper than TensorPrimitives.IndexOfMax once the max is known.</summary>
    public static int ArgMax(ReadOnlySpan<float> values, float max)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var target = new Vector<float>(max);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                if (Vector.EqualsAny(new Vector<float>(values[i..]), target))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (values[i] == max)
            {
                return i;
            }
        }

        throw new ArgumentException("max does not occur in values", nameof(max));
    }

    /// <summary>Sorts ids by value, largest first, ties by lower id (insertion sort: for the ≤ 20 top logprobs).</summary>
    public static void SortDescending(Span<int> ids, ReadOnlySpan<float> values)
    {
        for (var i = 1; i < ids.Length; i++)
        {
            var id = ids[i];
            var j = i - 1;
            for (; j >= 0 && IsWorse(ids[j], id, values); j--)
            {
                ids[j + 1] = ids[j];
            }

            ids[j + 1] = id;
        }
    }

    private static void SiftDown(Span<int> heap, ReadOnlySpan<float> values, int parent)
    {
        while (true)
        {
            var worst = parent;
            var left = 2 * parent + 1;
            var right = left + 1;
            if (left < heap.Length && IsWorse(heap[left], heap[worst], values))
            {
                worst = left;
            }

            if (right < heap.Length && IsWorse(heap[right], heap[worst], values))
            {
                worst = right;
            }

            if (worst == parent)
            {
                return;
            }

            (heap[parent], heap[worst]) = (heap[worst], heap[parent]);
            parent = worst;
        }
    }

    private static bool IsWorse(int a, int b, ReadOnlySpan<float> values) =>
        values[a] < values[b] || (values[a] == values[b] && a > b);
}
