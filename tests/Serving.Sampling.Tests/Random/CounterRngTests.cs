using Serving.Sampling.Random;

namespace Serving.Sampling.Tests.Random;

public class CounterRngTests
{
    [Fact]
    public void Uniform_SameSeedAndCounter_SameValue()
    {
        Assert.Equal(CounterRng.Uniform(42, 7), CounterRng.Uniform(42, 7));
        Assert.NotEqual(CounterRng.Uniform(42, 7), CounterRng.Uniform(42, 8));
        Assert.NotEqual(CounterRng.Uniform(42, 7), CounterRng.Uniform(43, 7));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(-1L)]
    public void Uniform_ConsecutiveCounters_UniformOnDecilesByChiSquare(long seed)
    {
        // 10 bins, df = 9: chi-square critical value at alpha = 0.001 is 27.877.
        const int NumDraws = 100_000;
        var counts = new int[10];
        for (var t = 0; t < NumDraws; t++)
        {
            var u = CounterRng.Uniform(seed, t);
            Assert.InRange(u, 0.0, 1.0 - double.Epsilon);
            counts[(int)(u * 10)]++;
        }

        var expected = NumDraws / 10.0;
        var chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 27.877, $"chi-square {chiSquare}");
    }

    [Fact]
    public void Uniform_NeighbouringSeedsAtSameCounter_Uncorrelated()
    {
        // Seeds 0..n-1 at one counter must look uniform too (requests often get consecutive seeds).
        const int NumSeeds = 100_000;
        var counts = new int[10];
        for (var seed = 0; seed < NumSeeds; seed++)
        {
            counts[(int)(CounterRng.Uniform(seed, 0) * 10)]++;
        }

        var expected = NumSeeds / 10.0;
        Assert.True(counts.Sum(c => (c - expected) * (c - expected) / expected) < 27.877);
    }
}
