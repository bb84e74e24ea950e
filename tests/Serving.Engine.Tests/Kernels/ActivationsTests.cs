using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public class ActivationsTests
{
    [Fact]
    public void SwiGlu_HandComputed()
    {
        var destination = new float[3];

        Activations.SwiGlu([0f, 1f, -1f], [2f, 2f, 2f], destination);

        // silu(1) = 1 / (1 + e^-1) = 0.7310586; silu(-1) = -0.2689414
        Assert.Equal(0f, destination[0]);
        Assert.Equal(1.4621172f, destination[1], 6);
        Assert.Equal(-0.5378828f, destination[2], 6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1536)]
    public void SwiGlu_InPlaceOverGate_MatchesScalarReference(int n)
    {
        var random = new Random(42);
        var gate = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        var up = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var expected = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();

        Activations.SwiGlu(gate, up, gate);

        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], gate[i], 1e-5);
        }
    }
}
