using Serving.Server.Metrics;

namespace Serving.Server.OpenAI.Errors;

/// <summary>The exception handler and the status-code hook in one: whatever goes wrong before a response starts, the client
/// gets OpenAI's error shape (STYLE E1), and every error status is counted in <c>serving_request_errors_total</c>.</summary>
internal sealed partial class OpenAIErrorMiddleware(RequestDelegate next, ServingMetrics metrics, ILogger<OpenAIErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        try
        {
            await next(context);
            if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && response.ContentType is null)
            {
                await OpenAIErrors.WriteAsync(response, OpenAIErrors.ForStatus(response.StatusCode, context.Request));
            }
        }
        catch (OpenAIException e) when (!response.HasStarted)
        {
            await OpenAIErrors.WriteAsync(response, e);
        }
        catch (BadHttpRequestException e) when (!response.HasStarted)
        {
            // Kestrel's own limits (MaxRequestBodySize → 413, malformed framing → 400) surface here while the body is read.
            await OpenAIErrors.WriteAsync(response, OpenAIErrors.ForStatus(e.StatusCode, context.Request));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
            return;
        }
        catch (Exception e) when (!response.HasStarted)
        {
            Log.UnhandledException(logger, context.Request.Method, context.Request.Path, e);
            await OpenAIErrors.WriteAsync(response, OpenAIErrors.ForStatus(StatusCodes.Status500InternalServerError, context.Request));
        }
        finally
        {
            if (response.StatusCode >= 400)
            {
                metrics.RecordError(response.StatusCode);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
        public static partial void UnhandledException(ILogger logger, string method, string path, Exception exception);
    }
}
