using Serving.Scheduler;

namespace Serving.Server.Hosting;

/// <summary>Whether the engine can serve: the loop must be running (it has not refused a request as stopped) and, while it
/// has work, its step counter must move. Read by <c>/health</c>; told about a stopped engine by the generation path.</summary>
internal sealed class EngineHealth(IEngineClient engine, TimeProvider timeProvider)
{
    /// <summary>How long the loop may hold work without finishing a step before it counts as stalled. Generous: one step of
    /// a large batch on a slow CPU takes seconds, never a minute.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private long _lastNumSteps = -1;
    private long _lastProgressTimestamp = timeProvider.GetTimestamp();
    private volatile bool _isStopped;

    /// <summary>Called when the engine refused a request as stopped or failed mid-request: the loop is gone for good.</summary>
    public void ReportStopped() => _isStopped = true;

    /// <summary>Null when healthy, else the reason (<c>engine stopped</c>, <c>engine stalled</c>).</summary>
    public string? Check()
    {
        if (_isStopped || !engine.IsRunning)
        {
            return "engine stopped";
        }

        var stats = engine.GetStats();
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            if (stats.NumSteps != _lastNumSteps || stats.NumRunning + stats.NumWaiting == 0)
            {
                _lastNumSteps = stats.NumSteps;
                _lastProgressTimestamp = now;
                return null;
            }

            return timeProvider.GetElapsedTime(_lastProgressTimestamp, now) > StallTimeout ? "engine stalled" : null;
        }
    }
}
