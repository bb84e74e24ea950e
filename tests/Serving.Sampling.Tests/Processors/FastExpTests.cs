using System.Numerics;
using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class FastExpTests
{
    [Fact]
    public void Exp_NonPositiveArguments_WithinTwoUlpOfDoubleReference()
    {
        var random = new System.Random(42);
        for (var i = 0; i < 100_000; i++)
        {
            var x = (float)(-random.NextDouble() * 87.3);
            var expected = Math.Exp(x);
            var actual = FastExp.Exp(x);
            Assert.True(Math.Abs(actual - expected) <= 2.5e-7 * expected, $"exp({x}) = {actual}, expected {expected}");
        }
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(-88f, 0f)]
    [InlineData(-1000f, 0f)]
    public void Exp_SpecialArguments_Exact(float x, float expected)
    {
        Assert.Equal(expected, FastExp.Exp(x));
        Assert.Equal(expected, FastExp.Exp(new Vector<float>(x))[0]);
    }

    [Fact]
    public void Exp_VectorAndScalar_BitIdentical()
    {
        var random = new System.Random(7);
        var lanes = new float[Vector<float>.Count];
        for (var round = 0; round < 10_000; round++)
        {
            for (var j = 0; j < lanes.Length; j++)
            {
                lanes[j] = (float)(-random.NextDouble() * 100);
            }

            var vector = FastExp.Exp(new Vector<float>(lanes));
            for (var j = 0; j < lanes.Length; j++)
            {
                Assert.Equal(FastExp.Exp(lanes[j]), vector[j]);
            }
        }
    }
}
