using System.Globalization;
using System.Text;
using Serving.LoadTests.Client;

namespace Serving.LoadTests.Reports;

/// <summary>requests.csv: one row per request, warm-up included and flagged, times in milliseconds.</summary>
internal static class CsvReport
{
    public const string Header =
        "index,start_ms,warmup,status,error,aborted,ttft_ms,tpot_ms,itl_mean_ms,e2e_ms,prompt_tokens,output_tokens,chunks,error_message";

    public static string Render(IEnumerable<RequestRecord> records)
    {
        var csv = new StringBuilder();
        csv.Append(Header).Append('\n');
        foreach (var r in records.OrderBy(r => r.Index))
        {
            var itlMean = r.InterTokenMs.Count > 0 ? r.InterTokenMs.Average() : (double?)null;
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Index},{F(r.StartMs)},{B(r.Warmup)},{r.Status},{r.Error.ToReportName()},{B(r.Aborted)},{F(r.TtftMs)},{F(r.TpotMs)},{F(itlMean)},{F(r.E2eMs)},{r.PromptTokens},{r.OutputTokens},{r.NumChunks},{Quote(r.ErrorMessage)}\n");
        }

        return csv.ToString();
    }

    private static string F(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : string.Empty;

    private static string B(bool value) => value ? "true" : "false";

    /// <summary>RFC 4180 quoting: wrap in quotes, double the quotes inside; line breaks become spaces to keep one row per request.</summary>
    private static string Quote(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal).ReplaceLineEndings(" ") + "\"";
}
