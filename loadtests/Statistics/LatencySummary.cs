namespace Serving.LoadTests.Statistics;

/// <summary>Percentiles, max and mean of one latency metric, in milliseconds.</summary>
internal sealed record LatencySummary(double P50, double P90, double P95, double P99, double Max, double Mean, long Count);
