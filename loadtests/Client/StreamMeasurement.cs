using Serving.LoadTests.Workload;

namespace Serving.LoadTests.Client;

/// <summary>Timestamps and counts gathered while one response is read; turned into a <see cref="RequestRecord"/> at the end.</summary>
internal sealed class StreamMeasurement(TimeProvider timeProvider, long startedTimestamp)
{
    private readonly List<double> _interTokenMs = [];
    private double? _ttftMs;
    private double _lastTextMs;

    public int NumChunks { get; private set; }

    public int? PromptTokens { get; set; }

    public int? OutputTokens { get; set; }

    public bool Aborted { get; set; }

    /// <summary>A chunk with non-empty text arrived now.</summary>
    public void OnText()
    {
        var now = ElapsedMs();
        if (_ttftMs is null)
        {
            _ttftMs = now;
        }
        else
        {
            _interTokenMs.Add(now - _lastTextMs);
        }

        _lastTextMs = now;
        NumChunks++;
    }

    public RequestRecord ToRecord(RequestPlan plan, double startMs, bool warmup, int status, ErrorKind error, string? message) => new()
    {
        Index = plan.Index,
        StartMs = startMs,
        Status = status,
        Error = error,
        ErrorMessage = message,
        Aborted = Aborted,
        Warmup = warmup,
        TtftMs = _ttftMs,
        E2eMs = ElapsedMs(),
        InterTokenMs = _interTokenMs,
        PromptTokens = PromptTokens,
        OutputTokens = OutputTokens,
        NumChunks = NumChunks,
    };

    private double ElapsedMs() => timeProvider.GetElapsedTime(startedTimestamp).TotalMilliseconds;
}
