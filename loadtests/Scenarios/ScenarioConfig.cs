using System.Text.Json.Serialization;

namespace Serving.LoadTests.Scenarios;

/// <summary>A whole load test: target server, load profile, workload, SLOs and where the reports go. Build it in code or load it from JSON.</summary>
internal sealed record ScenarioConfig
{
    /// <summary>Server root or its /v1; both work.</summary>
    public required string BaseUrl { get; init; }

    [JsonIgnore]
    public string? ApiKey { get; init; }

    /// <summary>Model name; null asks GET /v1/models and takes the first.</summary>
    public string? Model { get; init; }

    public required IReadOnlyList<LoadSimulation> Load { get; init; }

    /// <summary>Extra time at the start running the first simulation; requests started then are excluded from every figure.</summary>
    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan Warmup { get; init; }

    public WorkloadConfig Workload { get; init; } = new();

    public double? SloTtftMs { get; init; }

    public double? SloTpotMs { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>Share of streamed requests the client drops on purpose after <see cref="AbortAfterChunks"/> text chunks.</summary>
    public double AbortFraction { get; init; }

    public int AbortAfterChunks { get; init; } = 2;

    /// <summary>How long in-flight requests may run after the load ends before they are cancelled (as timeouts).</summary>
    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Open models only: arrivals beyond this many in flight are counted as dropped instead of sent.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>Scrape the server's /metrics before, during (peaks) and after the run.</summary>
    public bool ScrapeMetrics { get; init; } = true;

    [JsonIgnore]
    public string OutDir { get; init; } = "loadtest-report";

    /// <summary>Live terminal progress (switched off by itself when output is redirected).</summary>
    [JsonIgnore]
    public bool Progress { get; init; } = true;
}
