using System.Globalization;
using System.Text;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Reports;

/// <summary>report.md: the run's summary as Markdown tables.</summary>
internal static class MarkdownReport
{
    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        var requests = report.Requests;
        Line(md, $"# Load test: {report.Model}");
        Line(md, $"");
        Line(md, $"{report.BaseUrl}, started {report.StartedAt:u}, measured {report.DurationS:0.##} s after a {report.Scenario.Warmup.TotalSeconds:0.##} s warm-up; load {LoadText(report)}.");
        Line(md, $"");
        Line(md, $"| | |");
        Line(md, $"|---|---|");
        Line(md, $"| Requests ok / failed / aborted | {requests.Ok} / {requests.Failed} / {requests.Aborted} |");
        Line(md, $"| Request throughput | {report.RequestPerS:0.###} req/s |");
        Line(md, $"| Output token throughput | {report.OutputTokS:0.##} tok/s |");
        Line(md, $"| Total token throughput | {report.TotalTokS:0.##} tok/s |");
        Line(md, $"| Goodput ({SloText(report)}) | {report.GoodputPerS:0.###} req/s ({report.GoodRequests} requests) |");
        Line(md, $"| Error rate | {requests.ErrorRate:P1} |");
        Line(md, $"| Prompt / output tokens | {report.PromptTokensTotal} / {report.OutputTokensTotal} |");
        if (requests.Dropped > 0)
        {
            Line(md, $"| Arrivals dropped (client in-flight cap) | {requests.Dropped} |");
        }

        Line(md, $"");
        Line(md, $"## Latency (client side, ms)");
        Line(md, $"");
        Line(md, $"| Metric | p50 | p90 | p95 | p99 | max | mean | n |");
        Line(md, $"|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, summary) in LatencyRows(report))
        {
            if (summary is null)
            {
                Line(md, $"| {name} | – | – | – | – | – | – | 0 |");
            }
            else
            {
                Line(md, $"| {name} | {summary.P50:0.##} | {summary.P90:0.##} | {summary.P95:0.##} | {summary.P99:0.##} | {summary.Max:0.##} | {summary.Mean:0.##} | {summary.Count} |");
            }
        }

        Line(md, $"");
        Line(md, $"## Outcomes");
        Line(md, $"");
        Line(md, $"By status: {string.Join(", ", requests.ByStatus.Select(kv => $"{(kv.Key == "0" ? "no response" : kv.Key)}: {kv.Value}"))}");
        if (requests.ByError.Count > 0)
        {
            Line(md, $"");
            Line(md, $"Errors: {string.Join(", ", requests.ByError.Select(kv => $"{kv.Key}: {kv.Value}"))}");
            foreach (var sample in report.ErrorSamples)
            {
                Line(md, $"- `{sample}`");
            }
        }

        if (requests.Aborted > 0)
        {
            Line(md, $"");
            Line(md, $"{requests.Aborted} streams were dropped by the client on purpose after {report.Scenario.AbortAfterChunks} chunks (not errors); their TTFT p50 {report.AbortedTtftMs?.P50:0.##} ms.");
        }

        AppendServerView(md, report.ServerMetrics);
        return md.ToString();
    }

    internal static IEnumerable<(string Name, LatencySummary? Summary)> LatencyRows(RunReport report) =>
        [("TTFT", report.TtftMs), ("ITL", report.ItlMs), ("TPOT", report.TpotMs), ("E2E", report.E2eMs)];

    internal static string SloText(RunReport report)
    {
        var parts = new List<string>();
        if (report.Scenario.SloTtftMs is { } ttft)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"TTFT < {ttft} ms"));
        }

        if (report.Scenario.SloTpotMs is { } tpot)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"TPOT < {tpot} ms"));
        }

        return parts.Count == 0 ? "no SLO given" : string.Join(", ", parts);
    }

    internal static string LoadText(RunReport report) =>
        string.Join(" then ", report.Scenario.Load.Select(s => s.Kind switch
        {
            Scenarios.LoadSimulationKind.Inject or Scenarios.LoadSimulationKind.RampingInject =>
                string.Create(CultureInfo.InvariantCulture, $"{s.Kind} {s.Rate} req/s ({s.Arrival}) for {s.During.TotalSeconds} s"),
            Scenarios.LoadSimulationKind.Iterations => $"{s.Iterations} requests by {s.Copies} users",
            _ => string.Create(CultureInfo.InvariantCulture, $"{s.Kind} {s.Copies} users for {s.During.TotalSeconds} s"),
        }));

    private static void AppendServerView(StringBuilder md, ServerMetricsReport? server)
    {
        Line(md, $"");
        Line(md, $"## Server side (/metrics)");
        Line(md, $"");
        if (server is null)
        {
            Line(md, $"The server exposes no /metrics (or none of the known series); this view is omitted.");
            return;
        }

        Line(md, $"| Series | before | peak | after |");
        Line(md, $"|---|---:|---:|---:|");
        foreach (var key in server.Before.Keys.Union(server.After.Keys).Order(StringComparer.Ordinal))
        {
            Line(md, $"| {key} | {Value(server.Before, key)} | {Value(server.Peak, key)} | {Value(server.After, key)} |");
        }

        Line(md, $"");
        if (server.QueueTimeMeanMs is { } queue)
        {
            Line(md, $"- Mean queue time in the measured window: {queue:0.##} ms");
        }

        if (server.ServerTtftMeanMs is { } ttft)
        {
            Line(md, $"- Mean server-side TTFT in the measured window: {ttft:0.##} ms");
        }

        if (server.PrefixCacheHitRate is { } hitRate)
        {
            Line(md, $"- Prefix cache hit rate in the measured window: {hitRate:P1}");
        }

        if (server.Delta.TryGetValue(ServerSeries.Preemptions, out var preemptions))
        {
            Line(md, $"- Preemptions in the measured window: {preemptions:0}");
        }

        foreach (var (key, back) in server.ReturnedToBaseline)
        {
            Line(md, $"- {key} {(back ? "returned" : "did NOT return")} to its pre-run value");
        }
    }

    private static string Value(IReadOnlyDictionary<string, double> values, string key) =>
        values.TryGetValue(key, out var v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "–";

    private static void Line(StringBuilder md, FormattableString text) => md.Append(FormattableString.Invariant(text)).Append('\n');
}
