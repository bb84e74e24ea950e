using Serving.LoadTests.Client;
using Serving.LoadTests.Metrics;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Statistics;

/// <summary>Turns the per-request records of a run into its <see cref="RunReport"/>.</summary>
internal static class RunAnalyzer
{
    private const int MaxErrorSamples = 5;

    /// <summary>Figures over the measured window, which starts at <paramref name="measureStartMs"/> (the end of warm-up) on the run's timeline.</summary>
    public static RunReport Analyze(
        IReadOnlyList<RequestRecord> records,
        ScenarioConfig scenario,
        string model,
        DateTimeOffset startedAt,
        double measureStartMs,
        int dropped,
        ServerMetricsReport? serverMetrics)
    {
        var measured = records.Where(r => !r.Warmup).OrderBy(r => r.StartMs).ToList();
        var ok = measured.Where(r => r.Succeeded).ToList();
        var failed = measured.Where(r => r.Error != ErrorKind.None).ToList();
        var aborted = measured.Where(r => r.Aborted && r.Error == ErrorKind.None).ToList();

        var endMs = measured.Count == 0 ? measureStartMs : measured.Max(r => r.EndMs);
        var durationS = Math.Max(1e-9, (endMs - measureStartMs) / 1000.0);
        var promptTokens = ok.Sum(r => (long)(r.PromptTokens ?? 0));
        var outputTokens = ok.Sum(r => (long)r.EffectiveOutputTokens);
        var good = ok.Count(r => MeetsSlo(r, scenario));

        var ttft = new LatencyHistogram();
        var itl = new LatencyHistogram();
        var tpot = new LatencyHistogram();
        var e2e = new LatencyHistogram();
        var abortedTtft = new LatencyHistogram();
        foreach (var record in ok)
        {
            RecordIfPresent(ttft, record.TtftMs);
            RecordIfPresent(tpot, record.TpotMs);
            e2e.Record(record.E2eMs);
            foreach (var gap in record.InterTokenMs)
            {
                itl.Record(gap);
            }
        }

        foreach (var record in aborted)
        {
            RecordIfPresent(abortedTtft, record.TtftMs);
        }

        return new RunReport
        {
            Model = model,
            BaseUrl = scenario.BaseUrl,
            StartedAt = startedAt,
            Requests = new RequestCounts
            {
                Total = measured.Count,
                Ok = ok.Count,
                Failed = failed.Count,
                Aborted = aborted.Count,
                Dropped = dropped,
                Warmup = records.Count - measured.Count,
                ByStatus = measured.GroupBy(r => r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                ByError = failed.GroupBy(r => r.Error.ToReportName())
                    .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                ErrorRate = ok.Count + failed.Count == 0 ? 0 : (double)failed.Count / (ok.Count + failed.Count),
            },
            DurationS = durationS,
            RequestPerS = ok.Count / durationS,
            InputTokS = promptTokens / durationS,
            OutputTokS = outputTokens / durationS,
            TotalTokS = (promptTokens + outputTokens) / durationS,
            GoodputPerS = good / durationS,
            GoodRequests = good,
            PromptTokensTotal = promptTokens,
            OutputTokensTotal = outputTokens,
            TtftMs = ttft.Summarize(),
            ItlMs = itl.Summarize(),
            TpotMs = tpot.Summarize(),
            E2eMs = e2e.Summarize(),
            AbortedTtftMs = abortedTtft.Summarize(),
            Timeline = Timeline(measured, measureStartMs, endMs),
            ErrorSamples = failed.Select(r => $"{r.Status} {r.Error}: {r.ErrorMessage}").Distinct().Take(MaxErrorSamples).ToList(),
            ServerMetrics = serverMetrics,
            Scenario = scenario,
        };
    }

    /// <summary>A request is good when it succeeded and met each SLO that was given (strictly below the bound).</summary>
    public static bool MeetsSlo(RequestRecord record, ScenarioConfig scenario) =>
        record.Succeeded
        && (scenario.SloTtftMs is not { } ttftBound || record.TtftMs < ttftBound)
        && (scenario.SloTpotMs is not { } tpotBound || (record.TpotMs ?? 0) < tpotBound);

    private static void RecordIfPresent(LatencyHistogram histogram, double? value)
    {
        if (value is { } v)
        {
            histogram.Record(v);
        }
    }

    /// <summary>Per-second buckets by completion time over the measured window.</summary>
    private static List<TimelinePoint> Timeline(List<RequestRecord> measured, double measureStartMs, double endMs)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((endMs - measureStartMs) / 1000.0));
        var finished = new int[seconds];
        var tokens = new int[seconds];
        var errors = new int[seconds];
        foreach (var record in measured)
        {
            var bucket = Math.Clamp((int)((record.EndMs - measureStartMs) / 1000.0), 0, seconds - 1);
            finished[bucket]++;
            tokens[bucket] += record.Succeeded ? record.EffectiveOutputTokens : 0;
            errors[bucket] += record.Error != ErrorKind.None ? 1 : 0;
        }

        return Enumerable.Range(0, seconds).Select(i => new TimelinePoint(i + 1, finished[i], tokens[i], errors[i])).ToList();
    }
}
