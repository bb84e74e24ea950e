using System.Threading.Channels;
using Serving.Scheduler;
using Serving.Server.Hosting;
using Serving.Server.OpenAI.Endpoints;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.OpenAI.Streaming;

/// <summary>All choices of one HTTP request in the engine: submits them, merges their output streams into one sequence of
/// <see cref="ChoiceOutput"/> in arrival order, and aborts whatever is still running when the client goes away, the server
/// stops, or the session is disposed early (every engine request ends at the next step boundary, its blocks freed).</summary>
internal sealed class GenerationSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly Channel<ChoiceOutput> _merged = Channel.CreateUnbounded<ChoiceOutput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Task> _pumps = [];
    private readonly ServingLifecycle.Lease _lease;
    private readonly EngineHealth _health;
    // One count per submitted choice plus one for the submission itself, so a choice that finishes before the next one is
    // submitted cannot complete the merged stream early.
    private int _numOpen = 1;

    private GenerationSession(ServingLifecycle.Lease lease, EngineHealth health, CancellationToken requestAborted, CancellationToken serverAbort)
    {
        _lease = lease;
        _health = health;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, serverAbort);
        ServerAbort = serverAbort;
    }

    /// <summary>Fires when the server gave up draining and aborted every request.</summary>
    public CancellationToken ServerAbort { get; }

    /// <summary>Submits <paramref name="requests"/>, one per prompt with <paramref name="n"/> choices each; choice c of prompt
    /// p gets OpenAI index p × n + c. Refusals become the matching HTTP error (400 too long or too many choices, 429 queue
    /// full, 503 draining or engine stopped) and withdraw the prompts already submitted.</summary>
    public static async Task<GenerationSession> StartAsync(GenerationContext generation, IReadOnlyList<EngineRequest> requests, int n, CancellationToken requestAborted)
    {
        var lease = generation.Lifecycle.TryEnter() ?? throw OpenAIErrors.Unavailable("The server is shutting down.", "draining");
        var session = new GenerationSession(lease, generation.Health, requestAborted, generation.Lifecycle.AbortToken);
        try
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var result = generation.Engine.AddRequest(requests[i]);
                if (result.Outputs is null)
                {
                    throw session.ToHttpError(result);
                }

                session.Pump(i * n, result.Outputs);
            }

            session.CloseIfDone();
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        return session;
    }

    /// <summary>Waits for the first update of any choice: false when none arrives within <paramref name="timeout"/> (the
    /// request is still queued, or its prefill is that slow). Throws 503 when the engine failed before answering.</summary>
    public async Task<bool> WaitForFirstOutputAsync(TimeSpan timeout, TimeProvider timeProvider)
    {
        try
        {
            return await _merged.Reader.WaitToReadAsync(_cancel.Token).AsTask().WaitAsync(timeout, timeProvider, _cancel.Token);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException || ServerAbort.IsCancellationRequested)
        {
            throw Failure(e);
        }
    }

    /// <summary>Every update of every choice; ends when all choices finished. Throws when the engine failed, and
    /// <see cref="OperationCanceledException"/> when the client went away or the server aborted.</summary>
    public IAsyncEnumerable<ChoiceOutput> ReadAllAsync() => _merged.Reader.ReadAllAsync(_cancel.Token);

    public async ValueTask DisposeAsync()
    {
        // Ending the enumerations early aborts their engine requests (RequestOutputStream's contract).
        await _cancel.CancelAsync();
        await Task.WhenAll(_pumps);
        _cancel.Dispose();
        _lease.Dispose();
    }

    /// <summary>The error for a request that failed after it was admitted: shutdown abort, or the engine loop failing
    /// (which also turns <c>/health</c> to 503).</summary>
    public OpenAIException Failure(Exception e)
    {
        if (ServerAbort.IsCancellationRequested)
        {
            return OpenAIErrors.Unavailable("The server is shutting down; the request was aborted.", "server_shutdown");
        }

        _health.ReportStopped();
        return OpenAIErrors.Unavailable($"The engine failed: {e.Message}", "engine_failed");
    }

    private OpenAIException ToHttpError(AddRequestResult refused)
    {
        switch (refused.Error)
        {
            case AddRequestError.TooLong:
                return OpenAIErrors.BadRequest(refused.ErrorMessage ?? "The request does not fit the model.", "max_tokens", "context_length_exceeded");
            case AddRequestError.TooManyChoices:
                return OpenAIErrors.BadRequest(refused.ErrorMessage ?? "n is too large.", "n");
            case AddRequestError.TooManyRequests:
                return OpenAIErrors.QueueFull(retryAfterSeconds: 1);
            default:
                _health.ReportStopped();
                return OpenAIErrors.Unavailable(refused.ErrorMessage ?? "The engine is not running.", "engine_stopped");
        }
    }

    private void Pump(int firstIndex, IAsyncEnumerable<RequestOutput> outputs)
    {
        Interlocked.Increment(ref _numOpen);
        _pumps.Add(PumpAsync(firstIndex, outputs));
    }

    private async Task PumpAsync(int firstIndex, IAsyncEnumerable<RequestOutput> outputs)
    {
        try
        {
            await foreach (var output in outputs.WithCancellation(_cancel.Token))
            {
                _merged.Writer.TryWrite(new ChoiceOutput(firstIndex + output.Index, output));
            }

            CloseIfDone();
        }
        catch (Exception e)
        {
            _merged.Writer.TryComplete(e);
        }
    }

    private void CloseIfDone()
    {
        if (Interlocked.Decrement(ref _numOpen) == 0)
        {
            _merged.Writer.TryComplete();
        }
    }
}
