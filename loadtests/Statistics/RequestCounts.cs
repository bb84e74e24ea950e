namespace Serving.LoadTests.Statistics;

/// <summary>Measured requests by outcome; aborted ones (dropped on purpose) are neither ok nor failed.</summary>
internal sealed record RequestCounts
{
    public required int Total { get; init; }

    public required int Ok { get; init; }

    public required int Failed { get; init; }

    public required int Aborted { get; init; }

    /// <summary>Open-model arrivals not sent because the in-flight cap was reached.</summary>
    public required int Dropped { get; init; }

    public required int Warmup { get; init; }

    /// <summary>Requests per HTTP status ("200", "429", ...; "0" when no response arrived).</summary>
    public required IReadOnlyDictionary<string, int> ByStatus { get; init; }

    /// <summary>Failed requests per error kind ("http_status", "timeout", "disconnect", ...).</summary>
    public required IReadOnlyDictionary<string, int> ByError { get; init; }

    /// <summary>Failed / (ok + failed).</summary>
    public required double ErrorRate { get; init; }
}
