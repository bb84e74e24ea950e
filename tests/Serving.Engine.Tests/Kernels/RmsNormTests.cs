using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public class RmsNormTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (var n in Enumerable.Range(0, 257).Concat([576, 2048, 4099]))
        {
            data.Add(n);
        }

        return data;
    }

    [Fact]
    public void Apply_HandComputed_ScalesByInverseRms()
    {
        var destination = new float[2];

        RmsNorm.Apply([3f, 4f], [1f, 2f], 0f, destination);

        // rms = sqrt((9 + 16) / 2) = 3.5355339
        Assert.Equal(0.84852814f, destination[0], 6);
        Assert.Equal(2.2627417f, destination[1], 6);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_AnyLength_MatchesScalarReference(int n)
    {
        var random = new Random(42);
        var x = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var w = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var destination = new float[n];

        RmsNorm.Apply(x, w, 1e-5f, destination);

        var scale = 1.0 / Math.Sqrt((x.Sum(v => (double)v * v) / Math.Max(n, 1)) + 1e-5);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i] * scale * w[i], destination[i], 1e-5);
        }
    }

    [Fact]
    public void Apply_InPlace_SameAsSeparateDestination()
    {
        var x = Enumerable.Range(0, 100).Select(i => (float)Math.Sin(i)).ToArray();
        var w = Enumerable.Repeat(0.5f, 100).ToArray();
        var expected = new float[100];
        RmsNorm.Apply(x, w, 1e-6f, expected);

        RmsNorm.Apply(x, w, 1e-6f, x);

        Assert.Equal(expected, x);
    }
}
