using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serving.Engine.Execution;
using Serving.Sampling;
using Serving.Scheduler.Metrics;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler;

/// <summary>Runs an <see cref="EngineCore"/> on its own long-running thread and is the thread-safe front door to it:
/// requests and aborts go in through the engine's inbox channel, each request's outputs come back through its own
/// single-writer/single-reader channel (STYLE C1).</summary>
public sealed class EngineClient : IEngineClient, IDisposable
{
    private readonly EngineCore _core;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;

    /// <param name="runner">The model runner; the client drives it but does not dispose it.</param>
    /// <param name="eosTokenIds">End-of-generation token ids of the model.</param>
    /// <param name="options">Scheduling limits, read once.</param>
    /// <param name="timeProvider">Clock for queue time, TTFT and inter-token times.</param>
    /// <param name="meterFactory">Creates the <see cref="SchedulerMetrics.MeterName"/> meter; null = a standalone meter.</param>
    /// <param name="logger">Engine-loop logger; null = none.</param>
    public EngineClient(IModelRunner runner, IReadOnlyList<int> eosTokenIds, SchedulerOptions options, TimeProvider timeProvider, IMeterFactory? meterFactory = null, ILogger<EngineClient>? logger = null)
    {
        _core = new EngineCore(runner, eosTokenIds, options, timeProvider, meterFactory, logger);
        _thread = new Thread(() => _core.Run(_stopping.Token)) { IsBackground = true, Name = "Serving engine loop" };
        _thread.Start();
    }

    public int VocabSize => _core.VocabSize;

    public SchedulerMetrics Metrics => _core.Metrics;

    public AddRequestResult AddRequest(EngineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_core.Scheduler.Limits.Check(request.PromptTokenIds.Count, request.SamplingParams.MaxTokens) is { } tooLong)
        {
            return AddRequestResult.Refused(AddRequestError.TooLong, tooLong);
        }

        var options = _core.Options;
        ArgumentOutOfRangeException.ThrowIfLessThan(request.N, 1);
        if (request.N > options.MaxNumSeqs)
        {
            return AddRequestResult.Refused(AddRequestError.TooManyChoices, $"n must be at most {options.MaxNumSeqs} (max_num_seqs).");
        }

        if (_core.NumUnfinished >= options.MaxNumSeqs + options.MaxWaitingRequests)
        {
            return AddRequestResult.Refused(AddRequestError.TooManyRequests, "Too many requests are waiting; retry later.");
        }

        var state = new SequenceSamplingState(request.SamplingParams, request.PromptTokenIds is int[] ids ? ids : [.. request.PromptTokenIds], VocabSize);
        var engineRequest = new Request(request.RequestId, request.PromptTokenIds, state, _core.TimeProvider.GetTimestamp(), request.N);
        var channel = Channel.CreateUnbounded<RequestOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        if (!_core.Post(new AddRequestCommand(engineRequest, channel.Writer)))
        {
            return AddRequestResult.Refused(AddRequestError.EngineStopped, "The engine is not running.");
        }

        return new AddRequestResult
        {
            Outputs = new RequestOutputStream(request.RequestId, request.N, channel.Reader, request.CreateDetokenizer, request.SamplingParams.Stop, AbortChoice),
        };
    }

    public void Abort(string requestId, FinishReason reason = FinishReason.Abort) => _core.Post(new AbortRequestCommand(requestId, reason));

    public SchedulerStats GetStats() => _core.Stats;

    private void AbortChoice(string requestId, FinishReason reason, int? index) => _core.Post(new AbortRequestCommand(requestId, reason, index));

    /// <summary>Stops the loop (open streams end with an error) and waits for its thread.</summary>
    public bool IsRunning => _thread.IsAlive;

    public void Dispose()
    {
        _stopping.Cancel();
        _thread.Join();
        _stopping.Dispose();
        _core.Dispose();
    }
}
