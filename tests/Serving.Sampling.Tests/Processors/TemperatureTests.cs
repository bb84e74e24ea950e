using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class TemperatureTests
{
    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(2f)]
    public void ToWeights_AllLengths_MatchScalarReference(float temperature)
    {
        var random = new System.Random(42);
        for (var length = 1; length <= 256; length++)
        {
            var logits = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
            var max = logits.Max();
            var weights = new float[length];
            Temperature.ToWeights(logits, max, temperature, weights);
            for (var i = 0; i < length; i++)
            {
                var expected = Math.Exp((logits[i] - max) / temperature);
                Assert.True(Math.Abs(weights[i] - expected) <= 1e-6 * Math.Max(expected, 1e-30) + 1e-38,
                    $"length {length}, i {i}: {weights[i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void ToWeights_LogitsAround1000_FiniteAndMaxWeighsExactlyOne()
    {
        float[] logits = [1000f, 1001f, 999f, float.NegativeInfinity];
        var weights = new float[4];
        Temperature.ToWeights(logits, 1001f, 1f, weights);
        Assert.Equal(1f, weights[1]);
        Assert.Equal(MathF.Exp(-1f), weights[0], 1e-6f);
        Assert.Equal(MathF.Exp(-2f), weights[2], 1e-6f);
        Assert.Equal(0f, weights[3]);
    }

    [Fact]
    public void ToWeights_SelectedIds_WritesOnlyThose()
    {
        float[] logits = [1f, 3f, 2f];
        float[] weights = [-1f, -1f, -1f];
        Temperature.ToWeights(logits, [1, 2], 3f, 0.5f, weights);
        Assert.Equal([-1f, 1f, MathF.Exp(-2f)], weights);
    }
}
