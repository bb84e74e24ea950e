namespace Serving.Scheduler;

/// <summary>Outcome of <see cref="IEngineClient.AddRequest"/>: the request's output stream, or why it was refused
/// (an expected condition, so a value and not an exception: STYLE E3).</summary>
public sealed record AddRequestResult
{
    /// <summary>The request's updates in order; the last carries a finish reason. Stopping the enumeration early (or
    /// cancelling its token) aborts the request. Null when refused.</summary>
    public IAsyncEnumerable<RequestOutput>? Outputs { get; init; }

    public AddRequestError? Error { get; init; }

    /// <summary>Client-facing explanation when refused.</summary>
    public string? ErrorMessage { get; init; }

    public static AddRequestResult Refused(AddRequestError error, string message) => new() { Error = error, ErrorMessage = message };
}
