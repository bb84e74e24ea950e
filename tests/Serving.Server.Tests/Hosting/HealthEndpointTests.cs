using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serving.Server.Tests.OpenAI.Errors;

namespace Serving.Server.Tests.Hosting;

public class HealthEndpointTests
{
    [Fact]
    public async Task Health_AfterStart_Returns200()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Shutdown_RunningRequestFinishesWhileNewOnesAndHealthGet503()
    {
        var (host, runner) = await ServingTestHost.StartGatedAsync();
        await using (host)
        {
            runner.Close();
            var running = host.Http.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 4, temperature = 0 });
            await runner.Entered.WaitAsync(TimeSpan.FromSeconds(10));

            // SIGTERM's first effect: ApplicationStopping (nothing here calls the host's StopAsync yet, so Kestrel still serves).
            host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            using var health = await host.Http.GetAsync(new Uri("/health", UriKind.Relative));
            using var refused = await host.Http.PostAsJsonAsync("/v1/completions", new { prompt = "Once", max_tokens = 1 });
            runner.Open();
            using var finished = await running;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("draining", await health.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("draining", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(refused)).GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }
    }

    [Fact]
    public async Task Shutdown_DrainTimeoutExpires_RunningRequestAbortedWith503()
    {
        var (host, runner) = await ServingTestHost.StartGatedAsync(new Dictionary<string, string?> { ["Server:ShutdownTimeout"] = "00:00:00.2" });
        await using (host)
        {
            runner.Close();
            var running = host.Http.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 4 });
            await runner.Entered.WaitAsync(TimeSpan.FromSeconds(10));

            host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            using var aborted = await running;
            runner.Open();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, aborted.StatusCode);
            Assert.Equal("server_shutdown", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(aborted)).GetProperty("code").GetString());
        }
    }
}
