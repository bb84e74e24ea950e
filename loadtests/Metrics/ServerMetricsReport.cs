namespace Serving.LoadTests.Metrics;

/// <summary>The server's own view of the run from /metrics: values before and after, peaks while it ran, and what they imply.</summary>
internal sealed record ServerMetricsReport
{
    public required IReadOnlyDictionary<string, double> Before { get; init; }

    public required IReadOnlyDictionary<string, double> After { get; init; }

    /// <summary>Highest gauge values seen by the once-a-second scrapes during the run.</summary>
    public required IReadOnlyDictionary<string, double> Peak { get; init; }

    /// <summary>Counter increases over the measured window: after − the scrape at the end of warm-up (or before, without warm-up).</summary>
    public required IReadOnlyDictionary<string, double> Delta { get; init; }

    public double? QueueTimeMeanMs { get; init; }

    public double? ServerTtftMeanMs { get; init; }

    public double? PrefixCacheHitRate { get; init; }

    /// <summary>Whether running requests and KV usage came back to their pre-run values (aborted requests freed their blocks).</summary>
    public required IReadOnlyDictionary<string, bool> ReturnedToBaseline { get; init; }

    public int Scrapes { get; init; }
}
