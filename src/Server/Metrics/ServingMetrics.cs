using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using Serving.Scheduler.Metrics;

namespace Serving.Server.Metrics;

/// <summary>The server's own instrument (HTTP errors by status) and the export of every <c>serving_*</c> series: the
/// engine's instruments live in <see cref="SchedulerMetrics"/>; this class subscribes to both meters and fixes bucket
/// boundaries and final names in the exporter's views.</summary>
/// <remarks>
/// NOTE: OpenTelemetry's Prometheus exporter turns <c>.</c> into <c>_</c>, appends the unit unless the name already
/// contains it (<c>s</c> → <c>_seconds</c>; <c>{token}</c> annotations add nothing; a gauge in <c>1</c> gains <c>_ratio</c>
/// unless it says ratio) and appends <c>_total</c> to counters. So <c>serving.request_errors</c> in <c>{request}</c> is
/// scraped as <c>serving_request_errors_total</c>; MetricsEndpointTests pins every final name.
/// </remarks>
internal sealed class ServingMetrics
{
    public const string MeterName = "Serving.Server";

    // Latency buckets resolve single milliseconds at the low end: a decode step of a tiny model takes about a millisecond.
    private static readonly double[] RequestLatencyBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160];

    private static readonly double[] TokenLatencyBuckets =
        [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5];

    private static readonly double[] TokenCountBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

    private static readonly double[] IterationTokenBuckets = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

    private readonly Counter<long> _requestErrors;

    public ServingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requestErrors = meter.CreateCounter<long>("serving.request_errors", "{request}", "HTTP error responses, by status code.");
    }

    public void RecordError(int statusCode) => _requestErrors.Add(1, new KeyValuePair<string, object?>("status", statusCode));

    /// <summary>Subscribes the exporter to the server's and the engine's meters with explicit histogram buckets.</summary>
    public static MeterProviderBuilder Configure(MeterProviderBuilder metrics) => metrics
        .AddMeter(MeterName, SchedulerMetrics.MeterName)
        .AddView("serving.time_to_first_token", Buckets(RequestLatencyBuckets))
        .AddView("serving.e2e_request_latency", Buckets(RequestLatencyBuckets))
        .AddView("serving.request_queue_time", Buckets(RequestLatencyBuckets))
        .AddView("serving.inter_token_latency", Buckets(TokenLatencyBuckets))
        .AddView("serving.request_time_per_output_token", Buckets(TokenLatencyBuckets))
        .AddView("serving.request_prompt_tokens", Buckets(TokenCountBuckets))
        .AddView("serving.request_generation_tokens", Buckets(TokenCountBuckets))
        // The engine names this histogram after vLLM's iteration_tokens_total; Prometheus reserves _total for counters, so
        // the exported series is serving_iteration_tokens.
        .AddView("serving.iteration_tokens_total", Buckets(IterationTokenBuckets, "serving.iteration_tokens"));

    private static ExplicitBucketHistogramConfiguration Buckets(double[] boundaries, string? name = null) =>
        new() { Boundaries = boundaries, Name = name };
}
