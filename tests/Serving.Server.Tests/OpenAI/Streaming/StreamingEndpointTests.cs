using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Serving.Scheduler;

namespace Serving.Server.Tests.OpenAI.Streaming;

public partial class StreamingEndpointTests
{
    [Fact]
    public async Task CompletionsStream_FixedRequest_GoldenBytes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await ServingTestHost.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        using var response = await host.Http.PostAsJsonAsync(
            "/v1/completions",
            new { model = "stories260K", prompt = "Once upon a time", max_tokens = 3, temperature = 0, stream = true, stream_options = new { include_usage = true } });
        var bytes = await response.Content.ReadAsByteArrayAsync();

        // Ids are random per request; everything else is fixed: greedy ", there was" (oracle ids 432 383 286).
        var text = CompletionId().Replace(Encoding.UTF8.GetString(bytes), "cmpl-ID");
        const string Expected =
            "data: {\"object\":\"text_completion\",\"id\":\"cmpl-ID\",\"created\":1767225600,\"model\":\"stories260K\",\"choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            "data: {\"object\":\"text_completion\",\"id\":\"cmpl-ID\",\"created\":1767225600,\"model\":\"stories260K\",\"choices\":[{\"index\":0,\"text\":\" there\",\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            "data: {\"object\":\"text_completion\",\"id\":\"cmpl-ID\",\"created\":1767225600,\"model\":\"stories260K\",\"choices\":[{\"index\":0,\"text\":\" was\",\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\n" +
            "data: {\"object\":\"text_completion\",\"id\":\"cmpl-ID\",\"created\":1767225600,\"model\":\"stories260K\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\n" +
            "data: [DONE]\n\n";
        Assert.Equal(Expected, text);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ChatStream_ClientDisconnects_RequestAbortedAndBlocksReturnToPool()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var finished = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "Serving.Scheduler", "serving.request_success");
        var engine = host.Services.GetRequiredService<IEngineClient>();

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            request.Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "Tell me a long story" } }, max_tokens = 400, stream = true, ignore_eos = true });
            using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        // Disposing the response closed the connection: the server aborts the request at the next engine step.
        await finished.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        var measurement = Assert.Single(finished.GetMeasurementSnapshot());
        Assert.Equal("abort", measurement.Tags["finished_reason"]);
        Assert.True(measurement.Value == 1);

        // NOTE: the engine publishes its stats snapshot per step, and (as of this writing) not after an abort that leaves it
        // idle; one more tiny request makes it step and publish. Its own blocks are freed when it finishes.
        using (var nudge = await host.Http.PostAsJsonAsync("/v1/completions", new { prompt = "Once", max_tokens = 1 }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, nudge.StatusCode);
        }

        Assert.True(SpinWait.SpinUntil(() => engine.GetStats() is { NumRunning: 0 } s && s.NumFreeBlocks == s.NumBlocks, TimeSpan.FromSeconds(10)), engine.GetStats().ToString());
    }

    [Fact]
    public async Task ChatStream_AbortedMidStreamByShutdown_EndsWithOneErrorEventThenDone()
    {
        var (host, runner) = await ServingTestHost.StartGatedAsync(new Dictionary<string, string?> { ["Server:ShutdownTimeout"] = "00:00:00.2" });
        await using (host)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "Tell me a long story" } }, max_tokens = 400, stream = true, ignore_eos = true }),
            };
            using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);

            // Hold the engine so the stream is still running when the drain timeout aborts it.
            runner.Close();
            host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            var rest = await reader.ReadToEndAsync();
            runner.Open();

            var events = rest.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).ToList();
            Assert.Equal("data: [DONE]", events[^1]);
            Assert.StartsWith("data: {\"error\":{", events[^2], StringComparison.Ordinal);
            Assert.Contains("\"code\":\"server_shutdown\"", events[^2], StringComparison.Ordinal);
            Assert.DoesNotContain(events.SkipLast(2), e => e.Contains("\"error\"", StringComparison.Ordinal));
        }
    }

    [GeneratedRegex("cmpl-[0-9a-f]{32}")]
    private static partial Regex CompletionId();
}
