using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class TopPTests
{
    [Theory]
    [InlineData(0.4, 1)]
    [InlineData(0.5, 2)]
    [InlineData(0.75, 2)]
    [InlineData(0.76, 3)]
    [InlineData(1.0, 4)]
    public void Select_HandComputed_SmallestPrefixReachingTarget(double target, int expectedCount)
    {
        // Weights 0.1, 0.45, 0.3, 0.15 (sum 1): most likely first is ids 1, 2, 3, 0 with cumulative .45 .75 .90 1.0.
        float[] weights = [0.1f, 0.45f, 0.3f, 0.15f];
        int[] ids = [0, 1, 2, 3];
        var count = TopP.Select(ids, weights, target);
        Assert.Equal(expectedCount, count);
        Assert.Equal(new[] { 1, 2, 3, 0 }.Take(expectedCount).Order(), ids.Take(count).Order());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(3000)]
    public void Select_RandomWeightsWithTies_KeptSetIsSmallestPrefixWithMassAtLeastP(int length)
    {
        var random = new System.Random(42);
        foreach (var p in new[] { 0.01, 0.3, 0.5, 0.9, 0.95, 0.999, 1.0 })
        {
            // Coarse weights: many exact ties straddle the cut.
            var weights = Enumerable.Range(0, length).Select(_ => random.Next(1, 50) / 64f).ToArray();
            var ids = Enumerable.Range(0, length).ToArray();
            var total = weights.Sum(w => (double)w);
            var count = TopP.Select(ids, weights, p * total);

            var kept = ids.Take(count).Select(id => (double)weights[id]).ToArray();
            var dropped = ids.Skip(count).Select(id => (double)weights[id]).ToArray();
            Assert.Equal(Enumerable.Range(0, length), ids.Order());
            if (length == 0)
            {
                Assert.Equal(0, count);
                continue;
            }

            Assert.True(kept.Sum() >= p * total - 1e-9, $"p={p}: mass {kept.Sum()} < {p * total}");
            Assert.True(kept.Sum() - kept.Min() < p * total, $"p={p}: a smaller prefix already reaches the target");
            if (dropped.Length > 0)
            {
                Assert.True(kept.Min() >= dropped.Max(), $"p={p}: dropped a heavier token than one kept");
            }
        }
    }
}
