using Serving.Engine.Kernels;
using Serving.Engine.Model;

namespace Serving.Engine.Tests.Kernels;

public class RopeTests
{
    [Fact]
    public void ComputeAngles_Position1_GeometricFrequencies()
    {
        var cos = new float[2];
        var sin = new float[2];

        Rope.ComputeAngles(1, 10000f, 1f, [], cos, sin);

        // ropeDims 4: angles 1 * 10000^0 = 1 and 1 * 10000^(-2/4) = 0.01
        Assert.Equal(MathF.Cos(1f), cos[0], 6);
        Assert.Equal(MathF.Sin(1f), sin[0], 6);
        Assert.Equal(MathF.Cos(0.01f), cos[1], 6);
        Assert.Equal(MathF.Sin(0.01f), sin[1], 6);
    }

    [Fact]
    public void ComputeAngles_LinearScaleAndFrequencyFactors_DivideAngles()
    {
        var cos = new float[2];
        var sin = new float[2];

        Rope.ComputeAngles(2, 10000f, 0.5f, [1f, 4f], cos, sin);

        // 0.5 * 2 * 1 / 1 = 1 and 0.5 * 2 * 0.01 / 4 = 0.0025
        Assert.Equal(MathF.Sin(1f), sin[0], 6);
        Assert.Equal(MathF.Sin(0.0025f), sin[1], 6);
        Assert.Equal(MathF.Cos(0.0025f), cos[1], 6);
    }

    [Fact]
    public void Apply_Normal_RotatesAdjacentPairs()
    {
        float[] x = [1f, 0f, 1f, 0f, /* second head */ 0f, 1f, 0f, 1f];
        float[] cos = [MathF.Cos(1f), MathF.Cos(0.01f)];
        float[] sin = [MathF.Sin(1f), MathF.Sin(0.01f)];

        Rope.Apply(x, 4, cos, sin, RopeStyle.Normal);

        Assert.Equal([cos[0], sin[0], cos[1], sin[1], -sin[0], cos[0], -sin[1], cos[1]], x);
    }

    [Fact]
    public void Apply_Neox_RotatesHalfApartPairs()
    {
        float[] x = [1f, 1f, 0f, 0f];
        float[] cos = [MathF.Cos(1f), MathF.Cos(0.01f)];
        float[] sin = [MathF.Sin(1f), MathF.Sin(0.01f)];

        Rope.Apply(x, 4, cos, sin, RopeStyle.Neox);

        Assert.Equal([cos[0], cos[1], sin[0], sin[1]], x);
    }

    [Fact]
    public void Apply_PartialRopeDims_LeavesTailUnchanged()
    {
        float[] x = [1f, 0f, 7f, 9f];

        Rope.Apply(x, 4, [0f], [1f], RopeStyle.Normal);

        Assert.Equal([0f, 1f, 7f, 9f], x);
    }

    [Fact]
    public void Apply_PositionZero_Identity()
    {
        var cos = new float[4];
        var sin = new float[4];
        Rope.ComputeAngles(0, 1e6f, 1f, [], cos, sin);
        float[] x = [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f];

        Rope.Apply(x, 8, cos, sin, RopeStyle.Neox);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], x);
    }
}
