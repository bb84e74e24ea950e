using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>The server's handle on the engine loop: submit requests, stream their outputs, abort them, read stats.
/// Thread-safe; every call returns at once (requests and aborts travel through the engine's inbox channel).</summary>
public interface IEngineClient
{
    /// <summary>Vocabulary size of the model (for validating <see cref="SamplingParams"/>).</summary>
    int VocabSize { get; }

    /// <summary>Queues <paramref name="request"/>, or refuses it up front when it can never fit or the queue is full.</summary>
    AddRequestResult AddRequest(EngineRequest request);

    /// <summary>Finishes the request at the next step boundary with <paramref name="reason"/>; its KV blocks go back to the
    /// pool then. Unknown or finished ids are ignored.</summary>
    void Abort(string requestId, FinishReason reason = FinishReason.Abort);

    /// <summary>False once the engine loop has ended (stopped, or failed and failed every open request).</summary>
    bool IsRunning { get; }

    /// <summary>The latest state snapshot (published after every step).</summary>
    SchedulerStats GetStats();
}
