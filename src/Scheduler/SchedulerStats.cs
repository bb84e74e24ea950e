namespace Serving.Scheduler;

/// <summary>A snapshot of the engine's state after a step, safe to read from any thread (the engine publishes a new
/// immutable instance; counters are totals since start).</summary>
public sealed record SchedulerStats
{
    public int NumRunning { get; init; }

    public int NumWaiting { get; init; }

    public long NumPreemptions { get; init; }

    public int NumBlocks { get; init; }

    public int NumFreeBlocks { get; init; }

    public int NumUsedBlocks => NumBlocks - NumFreeBlocks;

    /// <summary>Fraction of KV-cache blocks in use, 0..1.</summary>
    public double KVCacheUsage => NumBlocks == 0 ? 0 : (double)NumUsedBlocks / NumBlocks;

    /// <summary>Prompt tokens looked up in the prefix cache.</summary>
    public long NumPrefixCacheQueryTokens { get; init; }

    /// <summary>Prompt tokens found in the prefix cache.</summary>
    public long NumPrefixCacheHitTokens { get; init; }

    public long NumSteps { get; init; }

    /// <summary>Tokens computed by the most recent step that ran.</summary>
    public int NumTokensLastStep { get; init; }
}
