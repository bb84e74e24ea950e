using System.Text.Json;
using Serving.LoadTests.Client;
using Serving.LoadTests.Cli;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Running;
using Serving.LoadTests.Scenarios;
using Serving.LoadTests.Tests.Fakes;
using Serving.LoadTests.Workload;

namespace Serving.LoadTests.Tests.Running;

public sealed class LoadTestRunnerTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"loadtest-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_KeepConstant3AgainstFakeServer_WritesReportsWithEveryFigure()
    {
        await using var server = await FakeOpenAIServer.StartAsync(n => n % 7 == 0 ? FakeReply.RateLimited : n % 11 == 0 ? FakeReply.ErrorMidStream : FakeReply.Normal);
        var scenario = Scenario(server, new LoadSimulation { Kind = LoadSimulationKind.KeepConstant, Copies = 3, During = TimeSpan.FromSeconds(2) }) with
        {
            Warmup = TimeSpan.FromSeconds(0.5),
            SloTtftMs = 10_000,
            SloTpotMs = 10_000,
        };

        var result = await new LoadTestRunner(TimeProvider.System, TextWriter.Null).RunAsync(scenario, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var records = result.Records;
        var report = result.Report;

        // Keep-constant from the server's side: never more than 3 requests at once.
        Assert.InRange(server.MaxRunning, 1, 3);
        Assert.Equal(server.Requests, records.Count);
        Assert.Equal(server.RateLimited, records.Count(r => r.Status == 429 && r.Error == ErrorKind.HttpStatus));
        Assert.Equal(server.MidStreamErrors, records.Count(r => r.Error == ErrorKind.StreamError));
        Assert.Contains(records, r => r.Warmup);
        Assert.Equal(records.Count(r => !r.Warmup), report.Requests.Total);
        Assert.Equal(report.Requests.Total, report.Requests.Ok + report.Requests.Failed);
        Assert.Equal(report.Requests.Ok, report.GoodRequests);
        Assert.All(records.Where(r => r.Succeeded), r =>
        {
            Assert.Equal(8, r.OutputTokens);
            Assert.Equal(8, r.NumChunks);
            Assert.Equal(7, r.InterTokenMs.Count);
            // /tokenize said 2 tokens per word, so 40 tokens became 20 words, which the fake counts as 40 again.
            Assert.Equal(40, r.PromptTokens);
        });
        Assert.True(report.ServerMetrics!.ReturnedToBaseline[ServerSeries.RequestsRunning]);
        Assert.True(report.ServerMetrics.Peak[ServerSeries.RequestsRunning] <= 3);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "report.json")));
        var root = json.RootElement;
        var requests = root.GetProperty("requests");
        Assert.Equal(report.Requests.Ok, requests.GetProperty("ok").GetInt32());
        Assert.Equal(report.Requests.Failed, requests.GetProperty("failed").GetInt32());
        Assert.Equal(records.Count(r => !r.Warmup && r.Status == 429), requests.GetProperty("by_status").GetProperty("429").GetInt32());
        foreach (var figure in new[] { "duration_s", "output_tok_s", "request_per_s", "goodput_per_s" })
        {
            Assert.True(root.GetProperty(figure).GetDouble() > 0, figure);
        }

        foreach (var metric in new[] { "ttft_ms", "itl_ms", "tpot_ms", "e2e_ms" })
        {
            var summary = root.GetProperty(metric);
            var values = new[] { "p50", "p90", "p95", "p99", "max" }.Select(p => summary.GetProperty(p).GetDouble()).ToList();
            Assert.Equal(values.Order(), values);
            Assert.True(summary.GetProperty("mean").GetDouble() > 0, metric);
        }

        var csv = await File.ReadAllLinesAsync(Path.Combine(_out, "requests.csv"));
        Assert.Equal(Serving.LoadTests.Reports.CsvReport.Header, csv[0]);
        Assert.Equal(records.Count + 1, csv.Length);
        var html = await File.ReadAllTextAsync(Path.Combine(_out, "report.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("| TTFT |", await File.ReadAllTextAsync(Path.Combine(_out, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ConstantInjectWithAborts_SendsEveryArrivalAndReportsAbortsApart()
    {
        await using var server = await FakeOpenAIServer.StartAsync(exposeMetrics: false);
        var scenario = Scenario(server, new LoadSimulation
        {
            Kind = LoadSimulationKind.Inject,
            Rate = 30,
            During = TimeSpan.FromSeconds(2),
            Arrival = ArrivalDistribution.Constant,
        }) with
        {
            AbortFraction = 0.3,
            Workload = new WorkloadConfig { Chat = true, PromptTokens = LengthDistribution.Fixed(40), MaxTokens = LengthDistribution.Fixed(8) },
        };

        var result = await new LoadTestRunner(TimeProvider.System, TextWriter.Null).RunAsync(scenario, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        // 30/s evenly for 2 s is exactly 60 arrivals; which of them abort is fixed by the seed.
        var factory = new RequestFactory(scenario, FakeOpenAIServer.ModelId, new PromptFactory(0, tokensPerWord: 2, scenario.Seed), dataset: null);
        var expectedAborts = Enumerable.Range(0, 60).Count(i => factory.Create(i).AbortAfterChunks is not null);
        Assert.Equal(60, result.Report.Requests.Total);
        Assert.Equal(expectedAborts, result.Report.Requests.Aborted);
        Assert.InRange(expectedAborts, 1, 59);
        Assert.Equal(0, result.Report.Requests.Failed);
        Assert.Equal(60 - expectedAborts, result.Report.Requests.Ok);
        Assert.All(result.Records.Where(r => r.Aborted), r => Assert.Equal(2, r.NumChunks));
        Assert.Null(result.Report.ServerMetrics);
    }

    [Fact]
    public async Task RunCommand_IterationsAgainstV1BaseUrl_ExitsZeroAndWritesTheFourFiles()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var output = new StringWriter();

        var exitCode = await RunCommand.RunAsync(
            ["--base-url", new Uri(server.BaseUrl, "v1").ToString(), "--load", "iterations:5:2", "--prompt-tokens", "16", "--max-tokens", "4",
             "--seed", "3", "--no-progress", "--out", _out],
            output,
            TextWriter.Null,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.All(new[] { "report.md", "report.json", "requests.csv", "report.html" }, f => Assert.True(File.Exists(Path.Combine(_out, f)), f));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "report.json")));
        Assert.Equal(5, json.RootElement.GetProperty("requests").GetProperty("ok").GetInt32());
        Assert.Equal(FakeOpenAIServer.ModelId, json.RootElement.GetProperty("model").GetString());
        Assert.Contains("5 ok, 0 failed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommand_NothingListening_ExitsOneWithAMessage()
    {
        var error = new StringWriter();
        var exitCode = await RunCommand.RunAsync(
            ["--base-url", "http://127.0.0.1:9", "--load", "inject:1", "--duration", "1s", "--no-progress", "--out", _out],
            TextWriter.Null,
            error,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains("/v1/models", error.ToString(), StringComparison.Ordinal);
    }

    private ScenarioConfig Scenario(FakeOpenAIServer server, LoadSimulation load) => new()
    {
        BaseUrl = server.BaseUrl.ToString(),
        Load = [load],
        Workload = new WorkloadConfig { PromptTokens = LengthDistribution.Fixed(40), MaxTokens = LengthDistribution.Fixed(8) },
        Seed = 11,
        OutDir = _out,
        Progress = false,
        DrainTimeout = TimeSpan.FromSeconds(20),
    };
}
