using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Running;
using Serving.LoadTests.Scenarios;
using Serving.LoadTests.Workload;
using Serving.Server.Hosting;

namespace Serving.LoadTests.Tests.Running;

/// <summary>The load tester against the real server (stories260K on in-process Kestrel at 127.0.0.1:0), not a fake.</summary>
public sealed class RealServerTests : IAsyncLifetime
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"loadtest-real-{Guid.NewGuid():N}");
    private WebApplication? _app;
    private string _baseUrl = string.Empty;

    public async Task InitializeAsync()
    {
        _app = ServingApp.Build(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Server:Host"] = "127.0.0.1",
            ["Server:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Engine:ModelPath"] = Serving.Engine.Tests.SharedData.Model("stories260K.gguf"),
        });
        await _app.StartAsync();
        _baseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/v1";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_KeepConstant2WithAbortsAgainstStories260K_AllSucceedAndTheServerReturnsToBaseline()
    {
        var scenario = new ScenarioConfig
        {
            BaseUrl = _baseUrl,
            Load = [new LoadSimulation { Kind = LoadSimulationKind.KeepConstant, Copies = 2, During = TimeSpan.FromSeconds(3) }],
            Warmup = TimeSpan.FromSeconds(1),
            Workload = new WorkloadConfig { PromptTokens = LengthDistribution.Fixed(32), MaxTokens = LengthDistribution.Fixed(16), SharedPrefixTokens = 16 },
            AbortFraction = 0.3,
            Seed = 5,
            OutDir = _out,
            Progress = false,
            DrainTimeout = TimeSpan.FromSeconds(60),
        };

        var result = await new LoadTestRunner(TimeProvider.System, TextWriter.Null).RunAsync(scenario, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
        var report = result.Report;

        Assert.Equal("stories260K", report.Model);
        Assert.True(report.Requests.Ok > 0, "no request completed");
        Assert.Equal(0, report.Requests.Failed);
        Assert.Equal(report.Requests.Total, report.Requests.Ok + report.Requests.Aborted);
        Assert.All(result.Records.Where(r => r.Succeeded), r =>
        {
            // ignore_eos and max_tokens fix the output length. The prompt length is approximate (words scaled by the
            // /tokenize calibration; stories260K's 512-token vocabulary splits words unevenly), usage gives the truth.
            Assert.Equal(16, r.OutputTokens);
            Assert.InRange(r.PromptTokens ?? 0, 16, 48);
        });
        // Which requests the client drops is fixed by the seed (the abort draw comes first, before any length).
        var factory = new RequestFactory(scenario, report.Model, new PromptFactory(0, 1, scenario.Seed), dataset: null);
        Assert.All(result.Records, r => Assert.Equal(factory.Create(r.Index).AbortAfterChunks is not null, r.Aborted));
        // Requests 0 and 1 start at once (two users); with seed 5 request 0 is dropped after its first tokens.
        Assert.Contains(result.Records, r => r.Aborted && r.Index < 2);
        Assert.NotNull(report.TtftMs);
        Assert.NotNull(report.TpotMs);
        Assert.True(report.OutputTokS > 0);

        // The server's view: never more than 2 running, and after the run (aborted streams included) running
        // requests and KV usage are back where they started.
        var server = report.ServerMetrics;
        Assert.NotNull(server);
        Assert.True(server.Peak.GetValueOrDefault(ServerSeries.RequestsRunning) <= 2);
        Assert.Equal(0, server.After[ServerSeries.RequestsRunning]);
        Assert.All(server.ReturnedToBaseline, kv => Assert.True(kv.Value, kv.Key));
        Assert.Contains(ServerSeries.KVCacheUsage, server.ReturnedToBaseline.Keys);
    }
}
