using System.Diagnostics.Metrics;

namespace Serving.Server.Metrics;

/// <summary>The server's instruments (one <see cref="Meter"/>, STYLE O2), named so that OpenTelemetry's Prometheus exporter
/// prints exactly vLLM's series with a <c>serving_</c> prefix.</summary>
/// <remarks>
/// NOTE: the exporter turns <c>.</c> into <c>_</c>, appends the unit unless the name already contains it (<c>s</c> →
/// <c>_seconds</c>; <c>{token}</c> annotations and <c>1</c> add nothing, except that a gauge in <c>1</c> gains <c>_ratio</c>)
/// and appends <c>_total</c> to counters. So <c>serving.prompt_tokens</c> in <c>{token}</c> is scraped as
/// <c>serving_prompt_tokens_total</c> and <c>serving.time_to_first_token</c> in <c>s</c> as
/// <c>serving_time_to_first_token_seconds</c>. MetricsEndpointTests pins every final name.
/// </remarks>
internal sealed class ServingMetrics
{
    public const string MeterName = "Serving.Server";

    // Latency buckets resolve single milliseconds at the low end (a decode step of a tiny model takes about 1 ms).
    private static readonly double[] RequestLatencyBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160];

    private static readonly double[] TokenLatencyBuckets =
        [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5];

    private static readonly int[] TokenCountBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

    private static readonly int[] IterationTokenBuckets = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Counter<long> _requestSuccess;
    private readonly Counter<long> _requestErrors;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly Histogram<double> _e2eLatency;
    private readonly Histogram<double> _queueTime;
    private readonly Histogram<int> _requestPromptTokens;
    private readonly Histogram<int> _requestGenerationTokens;
    private readonly Histogram<int> _iterationTokens;

    public ServingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _promptTokens = meter.CreateCounter<long>("serving.prompt_tokens", "{token}", "Prefill tokens processed (cached prefix tokens included).");
        _generationTokens = meter.CreateCounter<long>("serving.generation_tokens", "{token}", "Tokens generated.");
        _requestSuccess = meter.CreateCounter<long>("serving.request_success", "{request}", "Requests finished, by finish reason.");
        _requestErrors = meter.CreateCounter<long>("serving.request_errors", "{request}", "HTTP error responses, by status code.");
        _timeToFirstToken = Seconds(meter, "serving.time_to_first_token", "From arrival to the first generated token.", RequestLatencyBuckets);
        _interTokenLatency = Seconds(meter, "serving.inter_token_latency", "Between consecutive generated tokens of one sequence.", TokenLatencyBuckets);
        _timePerOutputToken = Seconds(meter, "serving.request_time_per_output_token", "Per request: decode time / (generated tokens - 1).", TokenLatencyBuckets);
        _e2eLatency = Seconds(meter, "serving.e2e_request_latency", "From arrival to the last token.", RequestLatencyBuckets);
        _queueTime = Seconds(meter, "serving.request_queue_time", "From arrival to the first schedule.", RequestLatencyBuckets);
        _requestPromptTokens = Tokens(meter, "serving.request_prompt_tokens", "Prompt length per sequence.", TokenCountBuckets);
        _requestGenerationTokens = Tokens(meter, "serving.request_generation_tokens", "Generated tokens per sequence.", TokenCountBuckets);
        _iterationTokens = Tokens(meter, "serving.iteration_tokens", "Tokens scheduled per engine step.", IterationTokenBuckets);
        Meter = meter;
    }

    /// <summary>The meter, for the observable instruments the engine-state gauges add.</summary>
    public Meter Meter { get; }

    public void RecordError(int statusCode) => _requestErrors.Add(1, new KeyValuePair<string, object?>("status", statusCode));

    public void RecordInterTokenLatency(TimeSpan latency) => _interTokenLatency.Record(latency.TotalSeconds);

    /// <summary>Records one finished sequence (one choice): its counters and per-request histograms.</summary>
    public void RecordFinished(in SequenceMetricsSample sample)
    {
        var reason = new KeyValuePair<string, object?>("finished_reason", sample.FinishReason);
        _requestSuccess.Add(1, reason);
        _promptTokens.Add(sample.NumPromptTokens);
        _generationTokens.Add(sample.NumGeneratedTokens);
        _requestPromptTokens.Record(sample.NumPromptTokens);
        _requestGenerationTokens.Record(sample.NumGeneratedTokens);
        _e2eLatency.Record(sample.EndToEnd.TotalSeconds);
        if (sample.QueueTime is { } queue)
        {
            _queueTime.Record(queue.TotalSeconds);
        }

        if (sample.TimeToFirstToken is { } ttft)
        {
            _timeToFirstToken.Record(ttft.TotalSeconds);
            if (sample.NumGeneratedTokens > 1)
            {
                _timePerOutputToken.Record((sample.EndToEnd - ttft).TotalSeconds / (sample.NumGeneratedTokens - 1));
            }
        }
    }

    public void RecordIteration(int numScheduledTokens) => _iterationTokens.Record(numScheduledTokens);

    private static Histogram<double> Seconds(Meter meter, string name, string description, double[] buckets) =>
        meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    private static Histogram<int> Tokens(Meter meter, string name, string description, int[] buckets) =>
        meter.CreateHistogram(name, "{token}", description, tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = buckets });
}
