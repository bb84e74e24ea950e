using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Serving.LoadTests.Client;
using Serving.LoadTests.Load;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Progress;
using Serving.LoadTests.Reports;
using Serving.LoadTests.Scenarios;
using Serving.LoadTests.Statistics;
using Serving.LoadTests.Workload;

namespace Serving.LoadTests.Running;

/// <summary>Runs a scenario end to end: resolve the model, calibrate prompts, scrape /metrics, drive the load, write the reports.</summary>
internal sealed class LoadTestRunner(TimeProvider timeProvider, TextWriter log)
{
    private const int CalibrationWords = 200;

    /// <exception cref="InvalidOperationException">The server cannot be reached or names no model (nothing else stops a run).</exception>
    public async Task<RunResult> RunAsync(ScenarioConfig scenario, CancellationToken cancellationToken)
    {
        var endpoints = ApiEndpoints.Parse(scenario.BaseUrl);
        var plan = LoadPlan.Build(scenario.Load, scenario.Warmup);
        using var http = LlmClient.CreateHttpClient(plan.MaxUsers + (plan.MaxRate > 0 ? scenario.MaxInFlight : 0), scenario.ApiKey);
        // NOTE: /models, /tokenize and /metrics go over their own connections so a scrape never queues behind the load.
        using var control = LlmClient.CreateHttpClient(2, scenario.ApiKey);
        var model = scenario.Model ?? await ResolveModelAsync(control, endpoints, cancellationToken).ConfigureAwait(false);
        var dataset = scenario.Workload.Dataset is { } path ? RequestFactory.LoadDataset(path) : null;
        var tokensPerWord = dataset is null && scenario.Workload.UseTokenizer
            ? await CalibrateAsync(control, endpoints, model, cancellationToken).ConfigureAwait(false)
            : null;
        var prompts = new PromptFactory(scenario.Workload.SharedPrefixTokens, tokensPerWord ?? 1, scenario.Seed);
        var factory = new RequestFactory(scenario, model, prompts, dataset);
        var client = new LlmClient(http, endpoints, timeProvider, scenario.RequestTimeout);
        var scraper = new MetricsScraper(control, endpoints.Metrics, timeProvider);
        var hasMetrics = scenario.ScrapeMetrics && await scraper.ScrapeBeforeAsync(cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync(FormattableString.Invariant(
            $"model {model}; {(tokensPerWord is { } r ? $"/tokenize: {r:0.##} tokens per word" : "prompt tokens ≈ words (no /tokenize)")}; {(hasMetrics ? "/metrics found" : "no /metrics")}")).ConfigureAwait(false);

        var records = new ConcurrentQueue<RequestRecord>();
        var counters = new ProgressCounters();
        var driver = new LoadDriver(plan, timeProvider, scenario.Seed, scenario.MaxInFlight);
        var startedAt = timeProvider.GetUtcNow();
        using (var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var sampling = hasMetrics
                ? Task.WhenAll(scraper.SampleUntilCancelledAsync(background.Token), scraper.ScrapeAtMeasureStartAsync(plan.WarmupEnd, background.Token))
                : Task.CompletedTask;
            var progress = new LiveProgress(counters, () => driver.Elapsed, plan.End, timeProvider).RunAsync(scenario.Progress, background.Token);
            await driver.RunAsync(
                async (arrival, token) =>
                {
                    var request = factory.Create(arrival.Index);
                    counters.OnStarted();
                    var record = await client.SendAsync(request, arrival.Start.TotalMilliseconds, arrival.Warmup, token).ConfigureAwait(false);
                    records.Enqueue(record);
                    counters.OnFinished(record);
                },
                scenario.DrainTimeout,
                cancellationToken).ConfigureAwait(false);
            await background.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sampling, progress).ConfigureAwait(false);
        }

        var server = hasMetrics ? await scraper.FinishAsync(cancellationToken).ConfigureAwait(false) : null;
        var all = records.OrderBy(r => r.Index).ToList();
        var report = RunAnalyzer.Analyze(all, scenario with { Model = model }, model, startedAt, plan.WarmupEnd.TotalMilliseconds, driver.Dropped, server);
        await ReportWriter.WriteAsync(scenario.OutDir, report, all, cancellationToken).ConfigureAwait(false);
        return new RunResult(report, all);
    }

    /// <summary>GET /v1/models and take the first id.</summary>
    private static async Task<string> ResolveModelAsync(HttpClient http, ApiEndpoints endpoints, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(endpoints.Models, cancellationToken).ConfigureAwait(false));
            if (document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0
                && data[0].TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } name)
            {
                return name;
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            throw new InvalidOperationException($"GET {endpoints.Models} failed ({e.Message}); pass --model or check --base-url", e);
        }

        throw new InvalidOperationException($"GET {endpoints.Models} listed no model; pass --model");
    }

    /// <summary>Tokens per word of the prompt vocabulary, measured with the server's /tokenize; null when it has none.</summary>
    private static async Task<double?> CalibrateAsync(HttpClient http, ApiEndpoints endpoints, string model, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(
                endpoints.Tokenize,
                new Dictionary<string, string> { ["model"] = model, ["prompt"] = PromptFactory.CalibrationText(CalibrationWords) },
                cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var root = document.RootElement;
            var count = root.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32()
                : root.TryGetProperty("tokens", out var t) && t.ValueKind == JsonValueKind.Array ? t.GetArrayLength()
                : 0;
            return count > 0 ? (double)count / CalibrationWords : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException)
        {
            return null;
        }
    }
}
