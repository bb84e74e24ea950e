using Serving.LoadTests.Client;

namespace Serving.LoadTests.Progress;

/// <summary>Live counters shared by the request tasks (writers) and the progress display (reader); lock-free.</summary>
internal sealed class ProgressCounters
{
    private int _inFlight;
    private int _finished;
    private int _errors;
    private int _aborted;
    private long _outputTokens;

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Finished => Volatile.Read(ref _finished);

    public int Errors => Volatile.Read(ref _errors);

    public int Aborted => Volatile.Read(ref _aborted);

    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    public void OnStarted() => Interlocked.Increment(ref _inFlight);

    public void OnFinished(RequestRecord record)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _finished);
        if (record.Error != ErrorKind.None)
        {
            Interlocked.Increment(ref _errors);
        }

        if (record.Aborted)
        {
            Interlocked.Increment(ref _aborted);
        }

        Interlocked.Add(ref _outputTokens, record.EffectiveOutputTokens);
    }
}
