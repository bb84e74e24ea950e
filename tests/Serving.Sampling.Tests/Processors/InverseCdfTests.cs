using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class InverseCdfTests
{
    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.24, 1)]
    [InlineData(0.25, 3)]
    [InlineData(0.74, 3)]
    [InlineData(0.75, 0)]
    [InlineData(0.999, 0)]
    public void Draw_HandComputedCdf(double uniform, int expected)
    {
        // Order [1, 2, 3, 0] with weights .5 0 1 .5 (total 2): cumulative .5 .5 1.5 2 → cuts at u = .25 and .75.
        float[] weights = [0.5f, 0.5f, 0f, 1f];
        Assert.Equal(expected, InverseCdf.Draw([1, 2, 3, 0], weights, uniform));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.29, 4095)]
    [InlineData(0.3, 4096)]
    [InlineData(0.49, 4096)]
    [InlineData(0.5, 9999)]
    [InlineData(0.99, 9999)]
    public void DrawFromAll_AcrossChunks_HandComputedCdf(double uniform, int expected)
    {
        // Weights 1, 2, 2, 5 at ids 0, 4095, 4096, 9999 (total 10): cumulative .1 .3 .5 1; a token is drawn once the running
        // weight strictly exceeds u × total, so u = .3 exactly already lands on the next token.
        var weights = new float[10_000];
        weights[0] = 1f;
        weights[4095] = 2f;
        weights[4096] = 2f;
        weights[9999] = 5f;
        var chunkSums = new double[InverseCdf.NumChunks(weights.Length)];
        Assert.Equal(3, chunkSums.Length);
        Assert.Equal(expected, InverseCdf.DrawFromAll(weights, chunkSums, uniform));
    }
}
