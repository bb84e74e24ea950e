namespace Serving.Scheduler.KVCache;

/// <summary>A copy-on-write the runner must do before the step's forward pass: K/V of <paramref name="Source"/> into
/// <paramref name="Destination"/>.</summary>
internal readonly record struct BlockCopy(int Source, int Destination);
