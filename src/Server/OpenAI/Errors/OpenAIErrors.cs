using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Streaming;

namespace Serving.Server.OpenAI.Errors;

/// <summary>The one place that decides what an error looks like on the wire (STYLE E1): every non-2xx response and every
/// mid-stream error event is built here, in OpenAI's shape, never as ProblemDetails.</summary>
internal static class OpenAIErrors
{
    public const string InvalidRequest = "invalid_request_error";

    public static OpenAIException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, InvalidRequest, param, code);

    public static OpenAIException Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.", InvalidRequest, code: "invalid_api_key");

    public static OpenAIException ModelNotFound(string? model) =>
        new(StatusCodes.Status404NotFound, $"The model '{model}' does not exist.", InvalidRequest, "model", "model_not_found");

    public static OpenAIException QueueFull(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "The server's waiting queue is full; retry later.", "rate_limit_error", code: "queue_full")
        {
            RetryAfterSeconds = retryAfterSeconds,
        };

    public static OpenAIException QueueTimeout(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "The request waited too long in the queue; retry later.", "rate_limit_error", code: "queue_timeout")
        {
            RetryAfterSeconds = retryAfterSeconds,
        };

    public static OpenAIException Unavailable(string message, string code) =>
        new(StatusCodes.Status503ServiceUnavailable, message, "service_unavailable", code: code) { RetryAfterSeconds = 1 };

    /// <summary>The error for a status the pipeline set without a body: unknown route, wrong method, too large a body.</summary>
    public static OpenAIException ForStatus(int statusCode, HttpRequest request) => statusCode switch
    {
        StatusCodes.Status404NotFound => new(statusCode, $"Unknown route: {request.Method} {request.Path}", InvalidRequest, code: "unknown_url"),
        StatusCodes.Status405MethodNotAllowed => new(statusCode, $"Method {request.Method} is not allowed on {request.Path}.", InvalidRequest, code: "method_not_allowed"),
        StatusCodes.Status413PayloadTooLarge => new(statusCode, "The request body is too large.", InvalidRequest, code: "request_too_large"),
        StatusCodes.Status415UnsupportedMediaType => new(statusCode, "The request body must be JSON.", InvalidRequest, code: "unsupported_media_type"),
        >= 500 => new(statusCode, "The server failed to process the request.", "server_error"),
        _ => new(statusCode, ReasonPhrases.GetReasonPhrase(statusCode), InvalidRequest),
    };

    public static ErrorResponse Body(OpenAIException error) => new(new ErrorBody(error.Message, error.Type, error.Param, error.Code));

    /// <summary>Writes <paramref name="error"/> as the whole response; the caller checked that nothing was sent yet.</summary>
    public static Task WriteAsync(HttpResponse response, OpenAIException error)
    {
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return JsonResponses.WriteAsync(response, error.StatusCode, Body(error), OpenAIJsonContext.Default.ErrorResponse);
    }
}
