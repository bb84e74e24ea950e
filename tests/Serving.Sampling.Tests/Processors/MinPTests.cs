using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class MinPTests
{
    private static readonly float[] Weights = [1f, 0.5f, 0.1f, 0f, 0.25f];

    [Fact]
    public void Collect_KeepsWeightsAtOrAboveThreshold()
    {
        var ids = new int[Weights.Length];
        var count = MinP.Collect(Weights, 0.25f, ids);
        Assert.Equal([0, 1, 4], ids[..count]);
    }

    [Fact]
    public void Collect_ZeroThreshold_DropsOnlyZeroWeights()
    {
        var ids = new int[Weights.Length];
        var count = MinP.Collect(Weights, 0f, ids);
        Assert.Equal([0, 1, 2, 4], ids[..count]);
    }

    [Fact]
    public void Filter_CompactsInPlaceKeepingOrder()
    {
        int[] ids = [4, 2, 1, 3, 0];
        var count = MinP.Filter(ids, Weights, 0.3f);
        Assert.Equal([1, 0], ids[..count]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.05f)]
    [InlineData(0.9f)]
    public void Collect_AllLengths_MatchScalarReference(float threshold)
    {
        var random = new System.Random(42);
        for (var length = 0; length <= 256; length++)
        {
            var weights = Enumerable.Range(0, length).Select(_ => random.Next(4) == 0 ? 0f : (float)random.NextDouble())
                .ToArray();
            var ids = new int[length];
            var count = MinP.Collect(weights, threshold, ids);
            var expected = Enumerable.Range(0, length).Where(i => weights[i] > 0 && weights[i] >= threshold);
            Assert.Equal(expected, ids[..count]);
        }
    }
}
