namespace Serving.Server.OpenAI.Errors;

/// <summary>A request the server refuses on purpose: carries everything the OpenAI error body needs.</summary>
/// <remarks>Thrown only at the HTTP edge (body parsing, validation, admission) and turned into a response by
/// <see cref="OpenAIErrors"/>; everything below the edge reports expected conditions as values (STYLE E3).</remarks>
internal sealed class OpenAIException(int statusCode, string message, string type, string? param = null, string? code = null)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>Seconds a 429 or 503 client should wait before retrying; sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }
}
