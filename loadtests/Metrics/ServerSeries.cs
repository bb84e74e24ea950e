namespace Serving.LoadTests.Metrics;

/// <summary>
/// The server-side series the report shows, found by name fragment so that vLLM's <c>vllm:</c> names and ours
/// (<c>serving_</c>, with OpenTelemetry's unit and <c>_total</c> suffixes) both match. A series the server does not
/// export is simply absent.
/// </summary>
internal static class ServerSeries
{
    public const string KVCacheUsage = "kv_cache_usage";
    public const string RequestsRunning = "requests_running";
    public const string RequestsWaiting = "requests_waiting";
    public const string Preemptions = "preemptions";
    public const string PrefixCacheHits = "prefix_cache_hits";
    public const string PrefixCacheQueries = "prefix_cache_queries";
    public const string QueueTimeSum = "queue_time_seconds_sum";
    public const string QueueTimeCount = "queue_time_seconds_count";
    public const string TtftSum = "time_to_first_token_seconds_sum";
    public const string TtftCount = "time_to_first_token_seconds_count";

    private static readonly (string Key, string Fragment, string? Suffix)[] Definitions =
    [
        (KVCacheUsage, "kv_cache_usage", null),
        (KVCacheUsage, "gpu_cache_usage", null),
        (RequestsRunning, "requests_running", null),
        (RequestsWaiting, "requests_waiting", null),
        (Preemptions, "preemption", null),
        (PrefixCacheHits, "prefix_cache_hit", null),
        (PrefixCacheQueries, "prefix_cache_quer", null),
        (QueueTimeSum, "queue_time", "_sum"),
        (QueueTimeCount, "queue_time", "_count"),
        (TtftSum, "time_to_first_token", "_sum"),
        (TtftCount, "time_to_first_token", "_count"),
    ];

    /// <summary>The known series present in <paramref name="samples"/>, each summed over its label sets.</summary>
    public static IReadOnlyDictionary<string, double> Extract(IReadOnlyList<PrometheusSample> samples)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, fragment, suffix) in Definitions)
        {
            if (values.ContainsKey(key))
            {
                continue;
            }

            // NOTE: the first matching name wins, so that two exports of one quantity are not added together.
            var name = samples.Select(s => s.Name).FirstOrDefault(n => Matches(n, fragment, suffix));
            if (name is not null)
            {
                values[key] = samples.Where(s => s.Name == name).Sum(s => s.Value);
            }
        }

        return values;
    }

    private static bool Matches(string name, string fragment, string? suffix)
    {
        if (!name.Contains(fragment, StringComparison.Ordinal) || name.EndsWith("_created", StringComparison.Ordinal))
        {
            return false;
        }

        if (suffix is not null)
        {
            return name.EndsWith(suffix, StringComparison.Ordinal);
        }

        return !name.EndsWith("_bucket", StringComparison.Ordinal) && !name.EndsWith("_sum", StringComparison.Ordinal)
            && !name.EndsWith("_count", StringComparison.Ordinal);
    }
}
