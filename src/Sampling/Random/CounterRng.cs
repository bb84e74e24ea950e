namespace Serving.Sampling.Random;

/// <summary>Counter-based random numbers: the value for (seed, counter) is a pure function of both, so a request's draw at
/// step t never depends on how many other draws happened before it (batching, preemption and recompute cannot shift it).
/// </summary>
/// <remarks>SplitMix64's finalizer (Steele, Lea, Flood 2014) applied to the seed and then to the seed-keyed counter; the
/// double round decorrelates nearby seeds and nearby counters, which a single keyed mix would not fully do.</remarks>
internal static class CounterRng
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Uniform double in [0, 1) with 53 random bits for step <paramref name="counter"/> of stream
    /// <paramref name="seed"/>.</summary>
    public static double Uniform(long seed, long counter)
    {
        var key = Mix((ulong)seed + Golden);
        var bits = Mix(key ^ (((ulong)counter + 1) * Golden));
        return (bits >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
