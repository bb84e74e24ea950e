using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class LogitBiasTests
{
    [Fact]
    public void Apply_AddsBiasAndBansAtMinus100()
    {
        float[] logits = [1f, 1e6f, 3f];
        LogitBias.Apply(logits, [0, 1], [2.5f, -100f]);
        Assert.Equal([3.5f, float.NegativeInfinity, 3f], logits);
    }

    [Fact]
    public void Ban_SetsNegativeInfinity()
    {
        float[] logits = [1f, 2f, 3f];
        LogitBias.Ban(logits, [2, 0]);
        Assert.Equal([float.NegativeInfinity, 2f, float.NegativeInfinity], logits);
    }
}
