using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class PenaltiesTests
{
    [Fact]
    public void ApplyRepetition_PositiveDividedNegativeMultiplied()
    {
        float[] logits = [2f, -1f, 1.5f, 0f];
        Penalties.ApplyRepetition(logits, [0, 1, 3], 2f);
        Assert.Equal([1f, -2f, 1.5f, 0f], logits);
    }

    [Fact]
    public void ApplyRepetition_PenaltyOne_NoOp()
    {
        float[] logits = [2f, -1f, 1.5f];
        Penalties.ApplyRepetition(logits, [0, 1, 2], 1f);
        Assert.Equal([2f, -1f, 1.5f], logits);
    }

    [Fact]
    public void ApplyFrequencyPresence_HandComputed()
    {
        // token 0 seen twice: 2 - (2 * 0.5 + 0.25) = 0.75; token 1 once: -1 - (0.5 + 0.25) = -1.75.
        float[] logits = [2f, -1f, 1.5f];
        Penalties.ApplyFrequencyPresence(logits, new Dictionary<int, int> { [0] = 2, [1] = 1 }, 0.5f, 0.25f);
        Assert.Equal([0.75f, -1.75f, 1.5f], logits);
    }

    [Fact]
    public void ApplyFrequencyPresence_ZeroPenalties_NoOp()
    {
        float[] logits = [2f, -1f, 1.5f];
        Penalties.ApplyFrequencyPresence(logits, new Dictionary<int, int> { [0] = 2, [1] = 1 }, 0f, 0f);
        Assert.Equal([2f, -1f, 1.5f], logits);
    }
}
