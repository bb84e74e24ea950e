using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Serving.Server.Tests.Metrics;

public partial class MetricsEndpointTests
{
    /// <summary>Every documented series with its Prometheus type (README metrics table).</summary>
    public static readonly TheoryData<string, string> Series = new()
    {
        { "serving_num_requests_running", "gauge" },
        { "serving_num_requests_waiting", "gauge" },
        { "serving_kv_cache_usage_ratio", "gauge" },
        { "serving_prompt_tokens_total", "counter" },
        { "serving_generation_tokens_total", "counter" },
        { "serving_num_preemptions_total", "counter" },
        { "serving_prefix_cache_queries_total", "counter" },
        { "serving_prefix_cache_hits_total", "counter" },
        { "serving_request_success_total", "counter" },
        { "serving_request_errors_total", "counter" },
        { "serving_time_to_first_token_seconds", "histogram" },
        { "serving_inter_token_latency_seconds", "histogram" },
        { "serving_request_time_per_output_token_seconds", "histogram" },
        { "serving_e2e_request_latency_seconds", "histogram" },
        { "serving_request_queue_time_seconds", "histogram" },
        { "serving_request_prompt_tokens", "histogram" },
        { "serving_request_generation_tokens", "histogram" },
        { "serving_iteration_tokens", "histogram" },
    };

    private static readonly Lazy<Task<string>> Scrape = new(ScrapeAfterTrafficAsync);

    [Theory]
    [MemberData(nameof(Series))]
    public async Task Scrape_AfterTraffic_HasSeriesWithType(string name, string type)
    {
        var text = await Scrape.Value;

        Assert.Contains($"# TYPE {name} {type}\n", text, StringComparison.Ordinal);
        Assert.Matches(new Regex($"^{name}(_bucket|_sum|_count)?\\{{", RegexOptions.Multiline), text);
    }

    [Fact]
    public async Task Scrape_LatencyHistograms_ResolveMilliseconds()
    {
        var text = await Scrape.Value;

        foreach (var name in new[] { "serving_time_to_first_token_seconds", "serving_inter_token_latency_seconds", "serving_e2e_request_latency_seconds" })
        {
            Assert.Contains($"{name}_bucket{{otel_scope_name=\"Serving.Scheduler\",le=\"0.001\"}}", text, StringComparison.Ordinal);
            Assert.Contains($"{name}_bucket{{otel_scope_name=\"Serving.Scheduler\",le=\"+Inf\"}}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Scrape_Errors_CountedByStatus()
    {
        var text = await Scrape.Value;

        Assert.Matches(ErrorSeries("401"), text);
        Assert.Matches(ErrorSeries("429"), text);
    }

    [Fact]
    public async Task Scrape_PassesPromtoolCheck()
    {
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            // NOTE: xunit 2 has no dynamic skip; say loudly why this check did not run (apt-get install prometheus adds it).
            Console.WriteLine("SKIPPED Scrape_PassesPromtoolCheck: promtool is not installed");
            return;
        }

        var text = await Scrape.Value;
        using var process = Process.Start(new ProcessStartInfo(promtool, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output);
    }

    private static Regex ErrorSeries(string status) => new($"^serving_request_errors_total\\{{otel_scope_name=\"Serving.Server\",status=\"{status}\"\\}} [1-9]", RegexOptions.Multiline);

    /// <summary>Traffic that moves every series: a prefix-cache hit (same long prompt twice), preemption (4 choices that
    /// together need twice the KV pool), a 401 and a 429 (six prompts, one engine request each, where 4 + 1 fit).</summary>
    private static async Task<string> ScrapeAfterTrafficAsync()
    {
        await using var host = await ServingTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Server:ApiKeys:0"] = "secret",
            ["Scheduler:MaxNumSeqs"] = "4",
            ["Scheduler:MaxWaitingRequests"] = "1",
        });
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
        var prompt = Enumerable.Range(0, 100).Select(i => 300 + (i % 200)).ToArray();

        // 1 MiB of f32 cache holds 51 blocks = 816 tokens; 4 × (100 + 300) tokens cannot run together without preemption.
        await PostOkAsync(host, new { prompt, n = 4, max_tokens = 300, ignore_eos = true, temperature = 1, seed = 1 });
        await PostOkAsync(host, new { prompt, max_tokens = 2 });
        var sixPrompts = Enumerable.Range(0, 6).Select(i => $"Story {i}").ToArray();
        using var refused = await host.Http.PostAsJsonAsync("/v1/completions", new { prompt = sixPrompts, max_tokens = 300, ignore_eos = true });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        using var unauthorized = await anonymous.GetAsync(new Uri("/v1/models", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

        return await host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }

    private static async Task PostOkAsync<T>(ServingTestHost host, T request)
    {
        using var response = await host.Http.PostAsJsonAsync("/v1/completions", request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
