using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Serving.Scheduler.Metrics;

namespace Serving.Scheduler.Tests.Metrics;

public class SchedulerMetricsTests
{
    [Fact]
    public void Step_TwoRequests_RecordsTokensLatenciesAndFinishReasons()
    {
        using var meterFactory = new TestMeterFactory();
        using var success = Collector<long>(meterFactory, "serving.request_success");
        using var generation = Collector<long>(meterFactory, "serving.generation_tokens");
        using var prompt = Collector<long>(meterFactory, "serving.prompt_tokens");
        using var ttft = Collector<double>(meterFactory, "serving.time_to_first_token");
        using var itl = Collector<double>(meterFactory, "serving.inter_token_latency");
        using var iteration = Collector<int>(meterFactory, "serving.iteration_tokens_total");
        using var running = Collector<int>(meterFactory, "serving.num_requests_running");
        using var engine = new TestEngine(meterFactory: meterFactory);
        engine.Add("a", TestRequests.Prompt(1, 5), maxTokens: 3);
        engine.Add("b", TestRequests.Prompt(2, 4), maxTokens: 1);

        engine.Time.Advance(TimeSpan.FromMilliseconds(250));
        engine.Step();
        running.RecordObservableInstruments();                 // "b" (max_tokens 1) already finished
        engine.Time.Advance(TimeSpan.FromMilliseconds(100));
        engine.RunUntilIdle();

        Assert.Equal([1L], running.GetMeasurementSnapshot().Select(m => (long)m.Value));
        Assert.Equal([9, 1, 1], iteration.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(4, generation.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(9, prompt.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal([0.25, 0.25], ttft.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal([0.1, 0.0], itl.GetMeasurementSnapshot().Select(m => m.Value));
        var length = success.GetMeasurementSnapshot().Where(m => (string?)m.Tags["finished_reason"] == "length").Sum(m => m.Value);
        Assert.Equal(2, length);
    }

    private static MetricCollector<T> Collector<T>(TestMeterFactory meterFactory, string instrument)
        where T : struct => new(meterFactory, SchedulerMetrics.MeterName, instrument);
}
