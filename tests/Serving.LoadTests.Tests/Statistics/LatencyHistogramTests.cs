using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Tests.Statistics;

public class LatencyHistogramTests
{
    [Fact]
    public void Summarize_Nothing_ReturnsNull() => Assert.Null(new LatencyHistogram().Summarize());

    [Fact]
    public void Summarize_ValuesBelow2048Microseconds_AreExact()
    {
        var histogram = new LatencyHistogram();
        foreach (var ms in new[] { 2.0, 0.5, 1.5, 1.0 })
        {
            histogram.Record(ms);
        }

        var s = histogram.Summarize()!;
        // 4 values: p50 is the round(0.5·4)=2nd smallest (1000 µs), p90..p99 round to the 4th (2000 µs); all exact below 2048 µs.
        Assert.Equal(1.0, s.P50);
        Assert.Equal(2.0, s.P90);
        Assert.Equal(2.0, s.P95);
        Assert.Equal(2.0, s.P99);
        Assert.Equal(2.0, s.Max);
        Assert.Equal(1.25, s.Mean);
        Assert.Equal(4, s.Count);
    }

    [Fact]
    public void Summarize_OneToHundredMilliseconds_ReportsHdrHighestEquivalentValues()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 100; ms >= 1; ms--)
        {
            histogram.Record(ms);
        }

        var s = histogram.Summarize()!;
        // 3 significant digits: 2048 sub-buckets, so [32768, 65536) µs has 32 µs buckets and [65536, 131072) 64 µs buckets.
        // p50 → 50th value 50000 µs → bucket [49984, 50015] → 50.015 ms.
        Assert.Equal(50.015, s.P50, 9);
        // p90 → 90000 µs → [89984, 90047]; p95 → 95000 µs → [94976, 95039]; p99 → 99000 µs → [98944, 99007].
        Assert.Equal(90.047, s.P90, 9);
        Assert.Equal(95.039, s.P95, 9);
        Assert.Equal(99.007, s.P99, 9);
        // Max and mean are kept exactly beside the histogram.
        Assert.Equal(100.0, s.Max);
        Assert.Equal(50.5, s.Mean, 9);
    }

    [Fact]
    public void Summarize_BucketTopAboveTheMax_PercentilesAreCappedAtTheMax()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(40);
        histogram.Record(50);
        var s = histogram.Summarize()!;
        // 40000 µs = 1250·32 → bucket [40000, 40031]: p50 = 40.031. 50000 µs → bucket [49984, 50015], above the max of 50000.
        Assert.Equal(40.031, s.P50, 9);
        Assert.Equal(50.0, s.P99);
        Assert.Equal(50.0, s.Max);
    }

    [Fact]
    public void Record_SubMicrosecondAndHugeValues_AreRoundedAndClamped()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(0.0004);
        histogram.Record(-5);
        var s = histogram.Summarize()!;
        Assert.Equal(0.0, s.Max);
        Assert.Equal(2, s.Count);
    }
}
