using Serving.LoadTests.Reports;

namespace Serving.LoadTests.Tests.Reports;

public class SvgChartsTests
{
    [Theory]
    [InlineData(7.3, 8, 2)]
    [InlineData(130, 150, 50)]
    [InlineData(1, 1, 0.2)]
    [InlineData(0, 1, 0.2)]
    [InlineData(0.042, 0.05, 0.01)]
    public void NiceScale_RoundsUpToA125Step(double max, double top, double step)
    {
        var (actualTop, actualStep) = SvgCharts.NiceScale(max);
        Assert.Equal(top, actualTop, 9);
        Assert.Equal(step, actualStep, 9);
    }

    [Fact]
    public void Bars_EscapesLabels_AndDrawsOneRectPerValue()
    {
        var svg = SvgCharts.Bars("a<b", ["p50", "p<99"], [1, 2], "ms");
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("a&lt;b", svg, StringComparison.Ordinal);
        Assert.Equal(2, svg.Split("<rect").Length - 1);
        Assert.DoesNotContain("p<99", svg, StringComparison.Ordinal);
    }
}
