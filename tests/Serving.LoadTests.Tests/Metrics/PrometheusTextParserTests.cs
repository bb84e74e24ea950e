using Serving.LoadTests.Metrics;

namespace Serving.LoadTests.Tests.Metrics;

public class PrometheusTextParserTests
{
    private const string Exposition = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
        vllm:num_preemptions_total{model_name="m"} 7
        vllm:prefix_cache_queries_total{model_name="m"} 400
        vllm:prefix_cache_hits_total{model_name="m"} 100
        vllm:request_queue_time_seconds_bucket{le="+Inf",model_name="m"} 10
        vllm:request_queue_time_seconds_sum{model_name="m"} 0.5
        vllm:request_queue_time_seconds_count{model_name="m"} 10
        odd{path="a\"b\\c\nd",} NaN 1700000000000
        not a sample line
        """;

    [Fact]
    public void Parse_LabelsEscapesSpecialValuesAndTimestamps_AreRead()
    {
        var samples = PrometheusTextParser.Parse(Exposition.ReplaceLineEndings("\r\n"));

        Assert.Equal(9, samples.Count);
        Assert.Equal("vllm:num_requests_running", samples[0].Name);
        Assert.Equal("m", samples[0].Labels["model_name"]);
        Assert.Equal(3.0, samples[0].Value);
        Assert.Equal("+Inf", samples[5].Labels["le"]);
        var odd = samples[^1];
        Assert.Equal("a\"b\\c\nd", odd.Labels["path"]);
        Assert.True(double.IsNaN(odd.Value));
    }

    [Fact]
    public void Extract_VllmNames_FindEveryKnownSeries()
    {
        var values = ServerSeries.Extract(PrometheusTextParser.Parse(Exposition));

        Assert.Equal(3.0, values[ServerSeries.RequestsRunning]);
        Assert.Equal(0.25, values[ServerSeries.KVCacheUsage]);
        Assert.Equal(7, values[ServerSeries.Preemptions]);
        Assert.Equal(100, values[ServerSeries.PrefixCacheHits]);
        Assert.Equal(400, values[ServerSeries.PrefixCacheQueries]);
        Assert.Equal(0.5, values[ServerSeries.QueueTimeSum]);
        Assert.Equal(10, values[ServerSeries.QueueTimeCount]);
        Assert.False(values.ContainsKey(ServerSeries.RequestsWaiting));
    }

    [Fact]
    public void Extract_OpenTelemetryStyleNames_SumOverLabelSets()
    {
        var text = """
            serving_num_requests_running{model="a"} 2
            serving_num_requests_running{model="b"} 1
            serving_kv_cache_usage_ratio 0.5
            serving_time_to_first_token_seconds_sum 3
            serving_time_to_first_token_seconds_count 6
            """;

        var values = ServerSeries.Extract(PrometheusTextParser.Parse(text));

        Assert.Equal(3, values[ServerSeries.RequestsRunning]);
        Assert.Equal(0.5, values[ServerSeries.KVCacheUsage]);
        Assert.Equal(3, values[ServerSeries.TtftSum]);
        Assert.Equal(6, values[ServerSeries.TtftCount]);
    }
}
