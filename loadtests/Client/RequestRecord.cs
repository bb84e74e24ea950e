namespace Serving.LoadTests.Client;

/// <summary>What the client measured for one request. Times are milliseconds; start is relative to the run start.</summary>
internal sealed record RequestRecord
{
    public required int Index { get; init; }

    public required double StartMs { get; init; }

    /// <summary>HTTP status, or 0 when no response arrived.</summary>
    public required int Status { get; init; }

    public required ErrorKind Error { get; init; }

    /// <summary>The error message for the report (server message or exception), null on success.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>True when the client dropped the stream on purpose (--abort-fraction); not an error.</summary>
    public bool Aborted { get; init; }

    /// <summary>True for requests started during warm-up; excluded from every figure.</summary>
    public bool Warmup { get; init; }

    /// <summary>Time to the first chunk carrying text; null when none arrived.</summary>
    public double? TtftMs { get; init; }

    public required double E2eMs { get; init; }

    /// <summary>Gaps between successive text-carrying chunks (one entry per chunk after the first).</summary>
    public IReadOnlyList<double> InterTokenMs { get; init; } = [];

    public int? PromptTokens { get; init; }

    public int? OutputTokens { get; init; }

    /// <summary>Number of text-carrying chunks received (the token count when usage is missing).</summary>
    public int NumChunks { get; init; }

    public bool Succeeded => Error == ErrorKind.None && !Aborted;

    /// <summary>Output tokens as the server counted them (usage), else the number of chunks.</summary>
    public int EffectiveOutputTokens => OutputTokens ?? NumChunks;

    /// <summary>Time per output token after the first: (e2e − ttft) / (tokens − 1), as vLLM's benchmark defines it.</summary>
    public double? TpotMs => TtftMs is { } ttft && EffectiveOutputTokens > 1 ? (E2eMs - ttft) / (EffectiveOutputTokens - 1) : null;

    public double EndMs => StartMs + E2eMs;
}
