using System.Net;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Tests.Client;

namespace Serving.LoadTests.Tests.Metrics;

public class MetricsScraperTests
{
    private static readonly Uri MetricsUri = new("http://127.0.0.1:1/metrics");

    [Fact]
    public async Task FinishAsync_BeforeWarmupEndAndAfter_DeltasCoverTheMeasuredWindow()
    {
        var pages = new Queue<string>(
        [
            "serving_num_requests_running 0\nserving_kv_cache_usage_ratio 0\nserving_prefix_cache_queries_total 20\n"
                + "serving_request_queue_time_seconds_sum 1\nserving_request_queue_time_seconds_count 2\n",
            // End of warm-up: the window's deltas start here.
            "serving_num_requests_running 2\nserving_kv_cache_usage_ratio 0.5\nserving_prefix_cache_queries_total 50\n"
                + "serving_request_queue_time_seconds_sum 2\nserving_request_queue_time_seconds_count 4\n",
            // After: the hits counter appears for the first time (OpenTelemetry exports it only once incremented).
            "serving_num_requests_running 0\nserving_kv_cache_usage_ratio 0\nserving_prefix_cache_queries_total 150\n"
                + "serving_prefix_cache_hits_total 30\nserving_request_queue_time_seconds_sum 5\nserving_request_queue_time_seconds_count 10\n",
        ]);
        using var http = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(pages.Dequeue()) }));
        var scraper = new MetricsScraper(http, MetricsUri, TimeProvider.System);

        Assert.True(await scraper.ScrapeBeforeAsync(CancellationToken.None));
        await scraper.ScrapeAtMeasureStartAsync(TimeSpan.Zero, CancellationToken.None);
        var report = await scraper.FinishAsync(CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal(100, report.Delta[ServerSeries.PrefixCacheQueries]);
        Assert.Equal(30, report.Delta[ServerSeries.PrefixCacheHits]);
        // 30 hits of 100 queries; (5 − 2) s over (10 − 4) requests = 500 ms.
        Assert.Equal(0.3, report.PrefixCacheHitRate!.Value, 12);
        Assert.Equal(500, report.QueueTimeMeanMs!.Value, 9);
        Assert.Null(report.ServerTtftMeanMs);
        // Baseline is the idle pre-run scrape; the peak saw the warm-up's 2 running requests.
        Assert.Equal(new Dictionary<string, bool> { [ServerSeries.RequestsRunning] = true, [ServerSeries.KVCacheUsage] = true }, report.ReturnedToBaseline);
        Assert.Equal(2, report.Peak[ServerSeries.RequestsRunning]);
        Assert.Equal(3, report.Scrapes);
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
