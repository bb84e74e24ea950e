using System.Text.Json;
using Serving.LoadTests.Client;
using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Reports;

/// <summary>Writes report.md, report.json, requests.csv and report.html into the output folder.</summary>
internal static class ReportWriter
{
    public static async Task WriteAsync(string directory, RunReport report, IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.json"), JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), MarkdownReport.Render(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "requests.csv"), CsvReport.Render(records), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.html"), HtmlReport.Render(report, records), cancellationToken).ConfigureAwait(false);
    }
}
