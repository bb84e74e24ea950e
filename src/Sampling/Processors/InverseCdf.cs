using System.Numerics.Tensors;

namespace Serving.Sampling.Processors;

/// <summary>Last stage: the draw. Returns the first token, in a fixed order, at which the running weight exceeds
/// <c>u × total</c> for one uniform u in [0, 1), so the token depends only on the weights and u.</summary>
internal static class InverseCdf
{
    private const int ChunkLength = 4096;

    /// <summary>Length of the chunk-sum scratch <see cref="DrawFromAll"/> needs for a vocabulary.</summary>
    public static int NumChunks(int vocabSize) => (vocabSize + ChunkLength - 1) / ChunkLength;

    /// <summary>Σ weights[id] over <paramref name="ids"/>, in double.</summary>
    public static double Sum(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights)
    {
        var sum = 0.0;
        foreach (var id in ids)
        {
            sum += weights[id];
        }

        return sum;
    }

    /// <summary>Draws from <paramref name="candidates"/> (non-empty) in their current order.</summary>
    public static int Draw(ReadOnlySpan<int> candidates, ReadOnlySpan<float> weights, double uniform)
    {
        var target = uniform * Sum(candidates, weights);
        var cumulative = 0.0;
        var last = candidates[0];
        foreach (var id in candidates)
        {
            if (weights[id] > 0f)
            {
                cumulative += weights[id];
                last = id;
                if (cumulative > target)
                {
                    return id;
                }
            }
        }

        return last;
    }

    /// <summary>Draws from the whole vocabulary: SIMD sums per 4096-token chunk find the chunk, a scalar scan finds the
    /// token, so only one chunk is walked element by element.</summary>
    public static int DrawFromAll(ReadOnlySpan<float> weights, Span<double> chunkSums, double uniform)
    {
        var total = 0.0;
        for (var c = 0; c < chunkSums.Length; c++)
        {
            chunkSums[c] = TensorPrimitives.Sum(Chunk(weights, c));
            total += chunkSums[c];
        }

        var target = uniform * total;
        for (var c = 0; c < chunkSums.Length; c++)
        {
            if (target >= chunkSums[c])
            {
                target -= chunkSums[c];
                continue;
            }

            // NOTE: the scalar running sum can round a hair below the SIMD chunk sum; then the next chunk takes over.
            var start = c * ChunkLength;
            var chunk = Chunk(weights, c);
            var cumulative = 0.0;
            for (var i = 0; i < chunk.Length; i++)
            {
                cumulative += chunk[i];
                if (chunk[i] > 0f && cumulative > target)
                {
                    return start + i;
                }
            }

            target = Math.Max(0.0, target - cumulative);
        }

        // Rounding pushed the target past the last positive weight: the most likely token is as good a fallback as any.
        return TensorPrimitives.IndexOfMax(weights);
    }

    private static ReadOnlySpan<float> Chunk(ReadOnlySpan<float> weights, int chunk)
    {
        var start = chunk * ChunkLength;
        return weights.Slice(start, Math.Min(ChunkLength, weights.Length - start));
    }
}
