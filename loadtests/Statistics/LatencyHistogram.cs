using HdrHistogram;

namespace Serving.LoadTests.Statistics;

/// <summary>Latency distribution in microseconds: percentiles from HdrHistogram, exact max and mean beside it.</summary>
/// <remarks>
/// NOTE: 3 significant digits over 1 µs .. 1 h means every value below 2048 µs is exact and every larger value is
/// quantized to at most 1/1024 of itself. A percentile is HdrHistogram's: the highest value equivalent to the
/// bucket holding the ⌊p/100·count + 0.5⌋-th smallest value, capped at the exact max (the bucket's top can lie above
/// every recorded value, and a p99 above the max would read as a bug). Max and mean are kept exactly because they are cheap.
/// </remarks>
internal sealed class LatencyHistogram
{
    private const long HighestTrackableMicroseconds = 3_600_000_000;
    private const int SignificantDigits = 3;

    private readonly LongHistogram _histogram = new(HighestTrackableMicroseconds, SignificantDigits);
    private long _maxMicroseconds;
    private double _sumMicroseconds;

    public long Count => _histogram.TotalCount;

    /// <summary>Records one value, rounded to whole microseconds and clamped into the trackable range.</summary>
    public void Record(double milliseconds)
    {
        var micros = (long)Math.Round(Math.Clamp(milliseconds * 1000.0, 0, HighestTrackableMicroseconds));
        _histogram.RecordValue(micros);
        _maxMicroseconds = Math.Max(_maxMicroseconds, micros);
        _sumMicroseconds += micros;
    }

    /// <summary>The summary in milliseconds, or null when nothing was recorded (a missing metric, not a zero).</summary>
    public LatencySummary? Summarize()
    {
        if (Count == 0)
        {
            return null;
        }

        return new LatencySummary(
            P50: PercentileMs(50),
            P90: PercentileMs(90),
            P95: PercentileMs(95),
            P99: PercentileMs(99),
            Max: _maxMicroseconds / 1000.0,
            Mean: _sumMicroseconds / Count / 1000.0,
            Count: Count);
    }

    private double PercentileMs(double percentile) => Math.Min(_histogram.GetValueAtPercentile(percentile), _maxMicroseconds) / 1000.0;
}
