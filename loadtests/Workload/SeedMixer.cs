namespace Serving.LoadTests.Workload;

/// <summary>Derives well-spread per-request seeds from (run seed, request index).</summary>
/// <remarks>
/// NOTE: a seeded <see cref="Random"/> uses the legacy subtractive generator, whose outputs for consecutive seeds are
/// strongly correlated (seeds i and i+1 gave no abort in 73 requests at a 10% abort fraction). SplitMix64's finalizer
/// decorrelates them.
/// </remarks>
internal static class SeedMixer
{
    public static int Mix(int seed, int index)
    {
        var z = ((ulong)(uint)seed << 32) | (uint)index;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
