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

    [Theory]
    [InlineData(0, 0f)]
    [InlineData(1, 0f)]
    [InlineData(300, 0f)]
    [InlineData(5000, 0f)]
    [InlineData(40000, 0f)]
    [InlineData(40000, 0.001f)]
    [InlineData(40000, 0.3f)]
    public void SelectFromAll_RandomWeights_SameSetAsQuickselectOverCollected(int length, float minWeight)
    {
        var random = new System.Random(42);
        foreach (var p in new[] { 0.01, 0.5, 0.9, 0.95, 0.999 })
        {
            // Log-normal-like weights with a max of exactly 1, zeros and exact ties: the shape of a real softmax row.
            var weights = Enumerable.Range(0, length)
                .Select(_ => random.Next(10) == 0 ? 0f : MathF.Exp(-MathF.Round((float)random.NextDouble() * 200) / 10f))
                .ToArray();
            if (length > 0)
            {
                weights[random.Next(length)] = 1f;
            }

            var total = weights.Sum(w => (double)w);
            var destination = new int[length];
            var count = TopP.SelectFromAll(weights, minWeight, total, p * total, destination);

            var eligible = Enumerable.Range(0, length).Where(i => weights[i] > 0 && weights[i] >= minWeight).ToArray();
            var reference = eligible.ToArray();
            var referenceCount = TopP.Select(reference, weights, p * total);
            Assert.Equal(referenceCount, count);
            Assert.Equal(reference.Take(referenceCount).Select(id => weights[id]).Order(),
                destination.Take(count).Select(id => weights[id]).Order());
            Assert.All(destination.Take(count), id => Assert.True(weights[id] > 0 && weights[id] >= minWeight));
            Assert.Equal(count, destination.Take(count).Distinct().Count());
        }
    }

    [Fact]
    public void SelectFromAll_CallerTotalTooLarge_FallsBackAndStillReachesTarget()
    {
        // One token of weight 1 and 999 of 1e-4 (total 1.0999); 0.9999 of it needs all but about one small token. An
        // overstated total moves the start bound above 1e-4, which must not drop the small tokens.
        var weights = Enumerable.Repeat(1e-4f, 1000).ToArray();
        weights[500] = 1f;
        var total = weights.Sum(w => (double)w);
        var destination = new int[1000];
        var count = TopP.SelectFromAll(weights, 0f, total + 0.2, 0.9999 * total, destination);
        Assert.True(destination.Take(count).Sum(id => (double)weights[id]) >= 0.9999 * total);
        Assert.Equal(999, count);
    }
}
