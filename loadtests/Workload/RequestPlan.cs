namespace Serving.LoadTests.Workload;

/// <summary>One request to send: its JSON body, where it goes, and whether the client drops it on purpose.</summary>
internal sealed record RequestPlan
{
    public required int Index { get; init; }

    public required bool Chat { get; init; }

    public required bool Stream { get; init; }

    /// <summary>UTF-8 JSON body of the completions or chat completions request.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Drop the stream after this many text chunks (the --abort-fraction share); null to read to the end.</summary>
    public int? AbortAfterChunks { get; init; }
}
