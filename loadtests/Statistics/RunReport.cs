using Serving.LoadTests.Metrics;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Statistics;

/// <summary>All figures of one run; serialized as report.json (snake_case) and rendered into the other reports.</summary>
internal sealed record RunReport
{
    public required string Model { get; init; }

    public required string BaseUrl { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required RequestCounts Requests { get; init; }

    /// <summary>From the end of warm-up to the end of the last measured request.</summary>
    public required double DurationS { get; init; }

    public required double RequestPerS { get; init; }

    public required double InputTokS { get; init; }

    public required double OutputTokS { get; init; }

    public required double TotalTokS { get; init; }

    /// <summary>Successful requests per second that met every given SLO (all successful ones when no SLO is given).</summary>
    public required double GoodputPerS { get; init; }

    public required int GoodRequests { get; init; }

    public required long PromptTokensTotal { get; init; }

    public required long OutputTokensTotal { get; init; }

    public LatencySummary? TtftMs { get; init; }

    public LatencySummary? ItlMs { get; init; }

    public LatencySummary? TpotMs { get; init; }

    public LatencySummary? E2eMs { get; init; }

    /// <summary>Time to first token of the aborted requests (their e2e is the client's choice, so it is not reported).</summary>
    public LatencySummary? AbortedTtftMs { get; init; }

    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    /// <summary>The first few distinct error messages, for the reader.</summary>
    public required IReadOnlyList<string> ErrorSamples { get; init; }

    public ServerMetricsReport? ServerMetrics { get; init; }

    public required ScenarioConfig Scenario { get; init; }
}
