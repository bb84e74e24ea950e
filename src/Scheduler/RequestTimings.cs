namespace Serving.Scheduler;

/// <summary>Latencies of one finished request, measured on the engine's <see cref="TimeProvider"/> (STYLE C5).</summary>
/// <param name="QueueTime">Arrival at the engine until first scheduled (zero when it never was).</param>
/// <param name="TimeToFirstToken">Arrival until the first generated token; null when none was generated.</param>
/// <param name="E2ELatency">Arrival until finished.</param>
/// <param name="NumPreemptions">How often the request was preempted and recomputed.</param>
public sealed record RequestTimings(TimeSpan QueueTime, TimeSpan? TimeToFirstToken, TimeSpan E2ELatency, int NumPreemptions);
