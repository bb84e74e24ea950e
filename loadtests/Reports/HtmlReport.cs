using System.Net;
using System.Text;
using Serving.LoadTests.Client;
using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Reports;

/// <summary>report.html: one self-contained page (inline CSS and SVG, nothing fetched) with the summary and the charts.</summary>
internal static class HtmlReport
{
    public static string Render(RunReport report, IReadOnlyList<RequestRecord> records)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Load test report</title><style>")
            .Append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}table{border-collapse:collapse;margin:8px 0 16px}")
            .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}")
            .Append(".charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #eee;background:#fff}")
            .Append("</style></head><body>");
        Append(html, $"<h1>Load test: {E(report.Model)}</h1><p>{E(report.BaseUrl)}, started {E(report.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))}, measured {report.DurationS:0.##} s; load {E(MarkdownReport.LoadText(report))}.</p>");
        AppendSummary(html, report);
        AppendLatencyTable(html, report);

        html.Append("<h2>Latency percentiles</h2><div class=\"charts\">");
        foreach (var (name, summary) in MarkdownReport.LatencyRows(report))
        {
            if (summary is not { } s)
            {
                continue;
            }

            html.Append(SvgCharts.Bars($"{name} (ms)", ["p50", "p90", "p95", "p99", "max", "mean"], [s.P50, s.P90, s.P95, s.P99, s.Max, s.Mean], "ms"));
        }

        html.Append("</div><h2>Over time</h2><div class=\"charts\">");
        var xs = report.Timeline.Select(p => p.TimeS).ToList();
        html.Append(SvgCharts.Lines("Output token throughput", "tokens/s", xs, [("output tok/s", report.Timeline.Select(p => (double)p.OutputTokens).ToList())]));
        html.Append(SvgCharts.Lines("Requests finished per second", "requests/s", xs,
            [("finished", report.Timeline.Select(p => (double)p.Finished).ToList()), ("errors", report.Timeline.Select(p => (double)p.Errors).ToList())]));
        var measureStartMs = report.Scenario.Warmup.TotalMilliseconds;
        var ttftPoints = records.Where(r => !r.Warmup && r.TtftMs is not null && r.Error == ErrorKind.None)
            .Select(r => ((r.StartMs - measureStartMs) / 1000.0, r.TtftMs ?? 0)).ToList();
        html.Append(SvgCharts.Scatter("TTFT per request by start time", "ms", ttftPoints));
        html.Append("</div>");
        AppendServerView(html, report);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, RunReport report)
    {
        var r = report.Requests;
        html.Append("<table>");
        Row(html, "Requests ok / failed / aborted", $"{r.Ok} / {r.Failed} / {r.Aborted}");
        Row(html, "Request throughput", $"{report.RequestPerS:0.###} req/s");
        Row(html, "Output token throughput", $"{report.OutputTokS:0.##} tok/s");
        Row(html, $"Goodput ({MarkdownReport.SloText(report)})", $"{report.GoodputPerS:0.###} req/s");
        Row(html, "Error rate", $"{r.ErrorRate * 100:0.#} %");
        Row(html, "By status", $"{string.Join(", ", r.ByStatus.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        if (r.ByError.Count > 0)
        {
            Row(html, "Errors", $"{string.Join(", ", r.ByError.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        }

        html.Append("</table>");
    }

    private static void AppendLatencyTable(StringBuilder html, RunReport report)
    {
        html.Append("<table><tr><th>ms</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>mean</th><th>n</th></tr>");
        foreach (var (name, summary) in MarkdownReport.LatencyRows(report))
        {
            if (summary is not { } s)
            {
                continue;
            }

            Append(html, $"<tr><td>{name}</td><td>{s.P50:0.##}</td><td>{s.P90:0.##}</td><td>{s.P95:0.##}</td><td>{s.P99:0.##}</td><td>{s.Max:0.##}</td><td>{s.Mean:0.##}</td><td>{s.Count}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void AppendServerView(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Server side (/metrics)</h2>");
        if (report.ServerMetrics is not { } server)
        {
            html.Append("<p>No /metrics from the server; omitted.</p>");
            return;
        }

        html.Append("<table><tr><th>series</th><th>before</th><th>peak</th><th>after</th></tr>");
        foreach (var key in server.Before.Keys.Union(server.After.Keys).Order(StringComparer.Ordinal))
        {
            Append(html, $"<tr><td>{E(key)}</td><td>{Value(server.Before, key)}</td><td>{Value(server.Peak, key)}</td><td>{Value(server.After, key)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static string Value(IReadOnlyDictionary<string, double> values, string key) =>
        values.TryGetValue(key, out var v) ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "–";

    private static void Row(StringBuilder html, string name, FormattableString value) =>
        Append(html, $"<tr><td>{E(name)}</td><td>{E(FormattableString.Invariant(value))}</td></tr>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static void Append(StringBuilder html, FormattableString text) => html.Append(FormattableString.Invariant(text));
}
