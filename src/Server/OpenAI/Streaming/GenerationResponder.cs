using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.OpenAI.Streaming;

/// <summary>Drives a <see cref="GenerationSession"/> to its HTTP answer, the same way for chat and text completions:
/// queue-timeout check, then either collect every choice (non-streamed) or stream one SSE event per update.</summary>
internal static class GenerationResponder
{
    /// <summary>Collects all choices; null when the client went away (nothing is left to answer).</summary>
    public static async Task<ChoiceState[]?> CollectAsync(HttpContext context, GenerationSession session, int numChoices, TimeSpan queueTimeout, TimeProvider timeProvider)
    {
        await WaitAdmittedAsync(session, queueTimeout, timeProvider);
        var states = NewStates(numChoices);
        try
        {
            await foreach (var (index, output) in session.ReadAllAsync())
            {
                states[index].Add(output);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is not OpenAIException)
        {
            throw session.Failure(e);
        }

        return states;
    }

    /// <summary>Streams the choices as server-sent events (STYLE E4): <paramref name="writeStart"/> once, then
    /// <paramref name="writeOutput"/> per update (before the update is added to its choice state), the usage chunk when
    /// asked, and <c>[DONE]</c>. A failure after the 200 went out becomes one error event before <c>[DONE]</c>; a client
    /// disconnect ends the stream silently (the session's disposal aborts the engine requests).</summary>
    public static async Task StreamAsync(
        HttpContext context,
        GenerationSession session,
        int numChoices,
        TimeSpan queueTimeout,
        TimeProvider timeProvider,
        Action<SseWriter> writeStart,
        Action<SseWriter, ChoiceOutput, ChoiceState> writeOutput,
        Action<SseWriter, ChoiceState[]>? writeUsage)
    {
        await WaitAdmittedAsync(session, queueTimeout, timeProvider);
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var states = NewStates(numChoices);
        using var sse = new SseWriter(response.BodyWriter);
        try
        {
            writeStart(sse);
            await sse.FlushAsync(context.RequestAborted);
            await foreach (var choice in session.ReadAllAsync())
            {
                writeOutput(sse, choice, states[choice.Index]);
                states[choice.Index].Add(choice.Output);
                await sse.FlushAsync(context.RequestAborted);
            }

            writeUsage?.Invoke(sse, states);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            var error = e as OpenAIException ?? session.Failure(e);
            sse.WriteEvent(OpenAIErrors.Body(error), OpenAIJsonContext.Default.ErrorResponse);
        }

        sse.WriteDone();
        await sse.FlushAsync(context.RequestAborted);
    }

    private static ChoiceState[] NewStates(int numChoices)
    {
        var states = new ChoiceState[numChoices];
        for (var i = 0; i < numChoices; i++)
        {
            states[i] = new ChoiceState();
        }

        return states;
    }

    private static async Task WaitAdmittedAsync(GenerationSession session, TimeSpan queueTimeout, TimeProvider timeProvider)
    {
        if (!await session.WaitForFirstOutputAsync(queueTimeout, timeProvider))
        {
            throw OpenAIErrors.QueueTimeout(retryAfterSeconds: Math.Max(1, (int)Math.Ceiling(queueTimeout.TotalSeconds)));
        }
    }
}
