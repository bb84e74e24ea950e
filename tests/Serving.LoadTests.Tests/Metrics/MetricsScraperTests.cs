using System.Net;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Tests.Client;

namespace Serving.LoadTests.Tests.Metrics;

public class MetricsScraperTests
{
    private static readonly Uri MetricsUri = new("http://127.0.0.1:1/metrics");

    [Fact]
    public async Task FinishAsync_BeforeAndAfter_GivesDeltasMeansAndBaselineFlags()
    {
        var pages = new Queue<string>(
        [
            "serving_num_requests_running 0\nserving_kv_cache_usage_ratio 0\nserving_prefix_cache_queries_total 20\n"
                + "serving_request_queue_time_seconds_sum 1\nserving_request_queue_time_seconds_count 2\n",
            // After: the hits counter appears for the first time (OpenTelemetry exports it only once incremented).
            "serving_num_requests_running 0\nserving_kv_cache_usage_ratio 0\nserving_prefix_cache_queries_total 120\n"
                + "serving_prefix_cache_hits_total 30\nserving_request_queue_time_seconds_sum 4\nserving_request_queue_time_seconds_count 8\n",
        ]);
        using var http = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(pages.Dequeue()) }));
        var scraper = new MetricsScraper(http, MetricsUri, TimeProvider.System);

        Assert.True(await scraper.ScrapeBeforeAsync(CancellationToken.None));
        var report = await scraper.FinishAsync(CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal(100, report.Delta[ServerSeries.PrefixCacheQueries]);
        Assert.Equal(30, report.Delta[ServerSeries.PrefixCacheHits]);
        // 30 hits of 100 queries; (4 − 1) s over (8 − 2) requests = 500 ms.
        Assert.Equal(0.3, report.PrefixCacheHitRate!.Value, 12);
        Assert.Equal(500, report.QueueTimeMeanMs!.Value, 9);
        Assert.Null(report.ServerTtftMeanMs);
        Assert.Equal(new Dictionary<string, bool> { [ServerSeries.RequestsRunning] = true, [ServerSeries.KVCacheUsage] = true }, report.ReturnedToBaseline);
        Assert.Equal(2, report.Scrapes);
    }

    [Fact]
    public async Task ScrapeBeforeAsync_MetricsAnswer404_ReportIsOmitted()
    {
        using var http = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound)));
        var scraper = new MetricsScraper(http, MetricsUri, TimeProvider.System);

        Assert.False(await scraper.ScrapeBeforeAsync(CancellationToken.None));
        Assert.Null(await scraper.FinishAsync(CancellationToken.None));
    }
}
