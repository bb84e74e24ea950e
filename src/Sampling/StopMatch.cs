namespace Serving.Sampling;

/// <summary>Result of <see cref="StopStringMatcher.Push"/>: <see cref="Text"/> is safe to emit now; when
/// <see cref="StopString"/> is not null that stop string matched, <see cref="Text"/> is everything before it and the request
/// finishes with <see cref="FinishReason.Stop"/>.</summary>
public readonly record struct StopMatch(string Text, string? StopString)
{
    /// <summary>True when a stop string matched.</summary>
    public bool IsStopped => StopString is not null;
}
