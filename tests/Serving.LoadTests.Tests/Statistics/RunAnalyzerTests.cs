using Serving.LoadTests.Client;
using Serving.LoadTests.Scenarios;
using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Tests.Statistics;

public class RunAnalyzerTests
{
    private static readonly ScenarioConfig Scenario = new()
    {
        BaseUrl = "http://127.0.0.1:1",
        Load = [new LoadSimulation { Kind = LoadSimulationKind.KeepConstant, Copies = 2 }],
        SloTtftMs = 200,
        SloTpotMs = 150,
    };

    [Fact]
    public void Analyze_KnownRecords_GivesHandComputedFigures()
    {
        RequestRecord[] records =
        [
            // TPOT = (1100 − 100) / (11 − 1) = 100 ms: meets both SLOs.
            Ok(index: 0, startMs: 0, ttftMs: 100, e2eMs: 1100, output: 11, prompt: 20),
            // TPOT = (2300 − 300) / 10 = 200 ms: misses the TTFT and the TPOT SLO. Ends at 1000 + 2300 = 3300 ms.
            Ok(index: 1, startMs: 1000, ttftMs: 300, e2eMs: 2300, output: 11, prompt: 20),
            new() { Index = 2, StartMs = 50, Status = 429, Error = ErrorKind.HttpStatus, E2eMs = 5, ErrorMessage = "queue full" },
            new() { Index = 3, StartMs = 60, Status = 200, Error = ErrorKind.None, Aborted = true, TtftMs = 50, E2eMs = 80, NumChunks = 2 },
            Ok(index: 4, startMs: -500, ttftMs: 1, e2eMs: 2, output: 1, prompt: 1) with { Warmup = true },
        ];

        var report = RunAnalyzer.Analyze(records, Scenario, "m", DateTimeOffset.UnixEpoch, measureStartMs: 0, dropped: 0, serverMetrics: null);

        Assert.Equal(4, report.Requests.Total);
        Assert.Equal(2, report.Requests.Ok);
        Assert.Equal(1, report.Requests.Failed);
        Assert.Equal(1, report.Requests.Aborted);
        Assert.Equal(1, report.Requests.Warmup);
        Assert.Equal(new Dictionary<string, int> { ["200"] = 3, ["429"] = 1 }, report.Requests.ByStatus);
        Assert.Equal(new Dictionary<string, int> { ["http_status"] = 1 }, report.Requests.ByError);
        Assert.Equal(1.0 / 3, report.Requests.ErrorRate, 12);
        Assert.Equal(3.3, report.DurationS, 12);
        Assert.Equal(2 / 3.3, report.RequestPerS, 12);
        Assert.Equal(22 / 3.3, report.OutputTokS, 12);
        Assert.Equal(40 / 3.3, report.InputTokS, 12);
        Assert.Equal(1, report.GoodRequests);
        Assert.Equal(1 / 3.3, report.GoodputPerS, 12);
        Assert.Equal(2, report.TtftMs!.Count);
        Assert.Equal(150, report.TpotMs!.Mean, 9);
        // One value: its bucket top (50015 µs) is capped at the exact max.
        Assert.Equal(50, report.AbortedTtftMs!.P50);
        // By end time: 55 ms (429) and 140 ms (aborted) in second 1, 1100 ms in second 2, 3300 ms in second 4.
        Assert.Equal([new TimelinePoint(1, 2, 0, 1), new TimelinePoint(2, 1, 11, 0), new TimelinePoint(3, 0, 0, 0), new TimelinePoint(4, 1, 11, 0)], report.Timeline);
    }

    [Fact]
    public void MeetsSlo_NoSloGiven_EverySuccessIsGood()
    {
        var scenario = Scenario with { SloTtftMs = null, SloTpotMs = null };
        Assert.True(RunAnalyzer.MeetsSlo(Ok(0, 0, 10_000, 20_000, 2, 1), scenario));
        Assert.False(RunAnalyzer.MeetsSlo(new RequestRecord { Index = 0, StartMs = 0, Status = 500, Error = ErrorKind.HttpStatus, E2eMs = 1 }, scenario));
    }

    private static RequestRecord Ok(int index, double startMs, double ttftMs, double e2eMs, int output, int prompt) => new()
    {
        Index = index,
        StartMs = startMs,
        Status = 200,
        Error = ErrorKind.None,
        TtftMs = ttftMs,
        E2eMs = e2eMs,
        OutputTokens = output,
        PromptTokens = prompt,
        NumChunks = output,
        InterTokenMs = Enumerable.Repeat((e2eMs - ttftMs) / Math.Max(1, output - 1), Math.Max(0, output - 1)).ToList(),
    };
}
