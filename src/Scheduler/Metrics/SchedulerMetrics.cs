using System.Diagnostics.Metrics;
using Serving.Sampling;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Metrics;

/// <summary>The engine's <see cref="System.Diagnostics.Metrics"/> instruments (meter <see cref="MeterName"/>), named after
/// vLLM's series with a <c>serving.</c> prefix; the Prometheus exporter turns them into <c>serving_*</c> (STYLE O2).</summary>
/// <remarks>Recorded from the engine thread; gauges read the latest <see cref="SchedulerStats"/> snapshot.</remarks>
public sealed class SchedulerMetrics : IDisposable
{
    /// <summary>Name of the meter to subscribe to (OpenTelemetry <c>AddMeter</c>).</summary>
    public const string MeterName = "Serving.Scheduler";

    private readonly Meter _meter;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Counter<long> _preemptions;
    private readonly Counter<long> _prefixCacheQueries;
    private readonly Counter<long> _prefixCacheHits;
    private readonly Counter<long> _requestSuccess;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly Histogram<double> _e2eLatency;
    private readonly Histogram<double> _queueTime;
    private readonly Histogram<int> _requestPromptTokens;
    private readonly Histogram<int> _requestGenerationTokens;
    private readonly Histogram<int> _iterationTokens;

    internal SchedulerMetrics(IMeterFactory? meterFactory, Func<SchedulerStats> stats)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("serving.num_requests_running", () => stats().NumRunning, "{request}", "Requests in the running batch.");
        _meter.CreateObservableGauge("serving.num_requests_waiting", () => stats().NumWaiting, "{request}", "Requests waiting to be scheduled.");
        _meter.CreateObservableGauge("serving.kv_cache_usage_ratio", () => stats().KVCacheUsage, "1", "Fraction of KV-cache blocks in use.");
        _promptTokens = _meter.CreateCounter<long>("serving.prompt_tokens", "{token}", "Prompt tokens of requests that produced a first token.");
        _generationTokens = _meter.CreateCounter<long>("serving.generation_tokens", "{token}", "Generated tokens.");
        _preemptions = _meter.CreateCounter<long>("serving.num_preemptions", "{preemption}", "Sequences preempted to free KV-cache blocks.");
        _prefixCacheQueries = _meter.CreateCounter<long>("serving.prefix_cache_queries", "{token}", "Tokens looked up in the prefix cache.");
        _prefixCacheHits = _meter.CreateCounter<long>("serving.prefix_cache_hits", "{token}", "Tokens found in the prefix cache.");
        _requestSuccess = _meter.CreateCounter<long>("serving.request_success", "{request}", "Finished requests by finished_reason.");
        _timeToFirstToken = _meter.CreateHistogram<double>("serving.time_to_first_token", "s", "Arrival to first token.");
        _interTokenLatency = _meter.CreateHistogram<double>("serving.inter_token_latency", "s", "Time between consecutive tokens.");
        _timePerOutputToken = _meter.CreateHistogram<double>("serving.request_time_per_output_token", "s", "Mean time per token after the first.");
        _e2eLatency = _meter.CreateHistogram<double>("serving.e2e_request_latency", "s", "Arrival to finish.");
        _queueTime = _meter.CreateHistogram<double>("serving.request_queue_time", "s", "Arrival to first scheduled.");
        _requestPromptTokens = _meter.CreateHistogram<int>("serving.request_prompt_tokens", "{token}", "Prompt tokens per finished request.");
        _requestGenerationTokens = _meter.CreateHistogram<int>("serving.request_generation_tokens", "{token}", "Generated tokens per finished request.");
        _iterationTokens = _meter.CreateHistogram<int>("serving.iteration_tokens_total", "{token}", "Tokens computed per engine step.");
    }

    public void Dispose() => _meter.Dispose();

    internal void RecordStep(int numTokens, int numPreempted, long prefixQueryTokens, long prefixHitTokens)
    {
        if (numTokens > 0)
        {
            _iterationTokens.Record(numTokens);
        }

        AddIfPositive(_preemptions, numPreempted);
        AddIfPositive(_prefixCacheQueries, prefixQueryTokens);
        AddIfPositive(_prefixCacheHits, prefixHitTokens);
    }

    internal void RecordToken(Request request, TimeSpan? interTokenTime, TimeSpan? timeToFirstToken)
    {
        _generationTokens.Add(1);
        if (timeToFirstToken is { } ttft)
        {
            _promptTokens.Add(request.NumPromptTokens);
            _timeToFirstToken.Record(ttft.TotalSeconds);
        }

        if (interTokenTime is { } itl)
        {
            _interTokenLatency.Record(itl.TotalSeconds);
        }
    }

    internal void RecordFinished(Request request, FinishReason reason, RequestTimings timings)
    {
        _requestSuccess.Add(1, new KeyValuePair<string, object?>("finished_reason", FinishReasonTag(reason)));
        _e2eLatency.Record(timings.E2ELatency.TotalSeconds);
        _queueTime.Record(timings.QueueTime.TotalSeconds);
        _requestPromptTokens.Record(request.NumPromptTokens);
        _requestGenerationTokens.Record(request.NumOutputTokens);
        if (timings.TimeToFirstToken is { } ttft && request.NumOutputTokens > 1)
        {
            _timePerOutputToken.Record((timings.E2ELatency - ttft).TotalSeconds / (request.NumOutputTokens - 1));
        }
    }

    /// <summary>OpenAI's finish_reason spelling.</summary>
    internal static string FinishReasonTag(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        _ => "abort",
    };

    private static void AddIfPositive(Counter<long> counter, long value)
    {
        if (value > 0)
        {
            counter.Add(value);
        }
    }
}
