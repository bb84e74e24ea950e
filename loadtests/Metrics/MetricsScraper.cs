namespace Serving.LoadTests.Metrics;

/// <summary>Scrapes /metrics before, during and after a run and builds the <see cref="ServerMetricsReport"/>.</summary>
internal sealed class MetricsScraper(HttpClient http, Uri metricsUri, TimeProvider timeProvider)
{
    private static readonly string[] Gauges = [ServerSeries.KVCacheUsage, ServerSeries.RequestsRunning, ServerSeries.RequestsWaiting];
    private static readonly string[] Counters =
    [
        ServerSeries.Preemptions, ServerSeries.PrefixCacheHits, ServerSeries.PrefixCacheQueries, ServerSeries.QueueTimeSum,
        ServerSeries.QueueTimeCount, ServerSeries.TtftSum, ServerSeries.TtftCount,
    ];

    private readonly Dictionary<string, double> _peak = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, double>? _before;
    private IReadOnlyDictionary<string, double>? _measureStart;
    private int _scrapes;

    /// <summary>The known series now, or null when /metrics is missing or unreachable (the report then omits the server view).</summary>
    public async Task<IReadOnlyDictionary<string, double>?> TryScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(metricsUri, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var values = ServerSeries.Extract(PrometheusTextParser.Parse(text));
            Interlocked.Increment(ref _scrapes);
            lock (_peak)
            {
                foreach (var gauge in Gauges.Where(values.ContainsKey))
                {
                    _peak[gauge] = Math.Max(_peak.GetValueOrDefault(gauge, double.MinValue), values[gauge]);
                }
            }

            return values;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<bool> ScrapeBeforeAsync(CancellationToken cancellationToken)
    {
        _before = await TryScrapeAsync(cancellationToken).ConfigureAwait(false);
        return _before is not null;
    }

    /// <summary>Scrapes when warm-up ends: counter deltas then cover the measured window only, like the client's figures.</summary>
    public async Task ScrapeAtMeasureStartAsync(TimeSpan warmup, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(warmup, timeProvider, cancellationToken).ConfigureAwait(false);
            _measureStart = await TryScrapeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run ended before warm-up did; deltas then start from the pre-run scrape.
        }
    }

    /// <summary>Scrapes once a second until <paramref name="cancellationToken"/> ends the run, recording gauge peaks.</summary>
    public async Task SampleUntilCancelledAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await TryScrapeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended: sampling stops with it.
        }
    }

    /// <summary>
    /// Scrapes after the run, a few times half a second apart until running requests and KV usage are back to their
    /// pre-run values (the server frees aborted requests at its next step), then builds the report; null without /metrics.
    /// </summary>
    public async Task<ServerMetricsReport?> FinishAsync(CancellationToken cancellationToken)
    {
        if (_before is null)
        {
            return null;
        }

        IReadOnlyDictionary<string, double>? after = null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            after = await TryScrapeAsync(cancellationToken).ConfigureAwait(false) ?? after;
            if (after is not null && BaselineFlags(_before, after).Values.All(back => back))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return after is null ? null : Build(_before, after);
    }

    private ServerMetricsReport Build(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after)
    {
        // NOTE: OpenTelemetry exports a counter only after its first increment, so one missing at the start was 0.
        var start = _measureStart ?? before;
        var delta = Counters.Where(after.ContainsKey).ToDictionary(k => k, k => after[k] - start.GetValueOrDefault(k));
        lock (_peak)
        {
            return new ServerMetricsReport
            {
                Before = before,
                After = after,
                Peak = new Dictionary<string, double>(_peak),
                Delta = delta,
                QueueTimeMeanMs = Ratio(delta, ServerSeries.QueueTimeSum, ServerSeries.QueueTimeCount) * 1000,
                ServerTtftMeanMs = Ratio(delta, ServerSeries.TtftSum, ServerSeries.TtftCount) * 1000,
                PrefixCacheHitRate = Ratio(delta, ServerSeries.PrefixCacheHits, ServerSeries.PrefixCacheQueries),
                ReturnedToBaseline = BaselineFlags(before, after),
                Scrapes = _scrapes,
            };
        }
    }

    private static Dictionary<string, bool> BaselineFlags(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        new[] { ServerSeries.RequestsRunning, ServerSeries.KVCacheUsage }
            .Where(k => before.ContainsKey(k) && after.ContainsKey(k))
            .ToDictionary(k => k, k => after[k] <= before[k] + 1e-9);

    private static double? Ratio(Dictionary<string, double> delta, string numerator, string denominator) =>
        delta.TryGetValue(numerator, out var n) && delta.TryGetValue(denominator, out var d) && d > 0 ? n / d : null;
}
