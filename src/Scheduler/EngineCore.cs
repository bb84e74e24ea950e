using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serving.Engine.Execution;
using Serving.Sampling;
using Serving.Scheduler.Metrics;
using Serving.Scheduler.Requests;
using Serving.Scheduler.Scheduling;

namespace Serving.Scheduler;

/// <summary>The engine loop: one <see cref="Step"/> = drain inbox → schedule → build batch → forward → sample → update →
/// publish (STYLE L5). Owns the scheduler, KV-cache bookkeeping and the runner; everything here runs on one thread.</summary>
internal sealed partial class EngineCore : IDisposable
{
    private readonly IModelRunner _runner;
    private readonly Scheduling.Scheduler _scheduler;
    private readonly Sampler _sampler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<EngineCommand> _inbox = Channel.CreateUnbounded<EngineCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OutputPublisher _publisher;
    private readonly List<Request> _finished = [];
    private readonly List<(Request Parent, Request Child, SampledToken Token)> _forks = [];
    private float[] _logits = [];              // [numLogitsRows, VocabSize], grown on demand
    private int[] _sampledTokenIds = [];       // [numScheduledSeqs]
    private SampledToken[] _sampledTokens = [];
    private SchedulerStats _stats;
    private long _numSteps;
    private long _numPrefixQueryTokens;
    private long _numPrefixHitTokens;
    private int _numUnfinished;

    public EngineCore(IModelRunner runner, IReadOnlyList<int> eosTokenIds, SchedulerOptions options, TimeProvider timeProvider, IMeterFactory? meterFactory = null, ILogger? logger = null)
    {
        _runner = runner;
        _scheduler = new Scheduling.Scheduler(options, runner.BlockSize, runner.NumBlocks, eosTokenIds);
        _sampler = new Sampler(runner.VocabSize, eosTokenIds);
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        Options = options;
        _stats = new SchedulerStats { NumBlocks = runner.NumBlocks, NumFreeBlocks = runner.NumBlocks };
        Metrics = new SchedulerMetrics(meterFactory, () => Stats);
        _publisher = new OutputPublisher(timeProvider, Metrics, _logger, () => Interlocked.Decrement(ref _numUnfinished));
    }

    public SchedulerOptions Options { get; }

    public Scheduling.Scheduler Scheduler => _scheduler;

    public SchedulerMetrics Metrics { get; }

    public TimeProvider TimeProvider => _timeProvider;

    public int VocabSize => _runner.VocabSize;

    /// <summary>Latest snapshot; readable from any thread.</summary>
    public SchedulerStats Stats => Volatile.Read(ref _stats);

    /// <summary>Requests posted and not yet finished (admission control reads it from other threads).</summary>
    public int NumUnfinished => Volatile.Read(ref _numUnfinished);

    /// <summary>Posts a command from any thread. False once the loop has stopped.</summary>
    public bool Post(EngineCommand command)
    {
        if (command is AddRequestCommand)
        {
            Interlocked.Increment(ref _numUnfinished);
        }

        if (_inbox.Writer.TryWrite(command))
        {
            return true;
        }

        if (command is AddRequestCommand)
        {
            Interlocked.Decrement(ref _numUnfinished);
        }

        return false;
    }

    /// <summary>Runs one engine iteration. Returns false when there is nothing to do until new commands arrive.</summary>
    public bool Step()
    {
        DrainInbox();
        var output = _scheduler.Schedule();
        if (output.IsEmpty)
        {
            RecordStep(output);

            // NOTE: a sequence that preempted itself is admitted again next step; any other empty plan with unfinished
            // requests would leave them waiting forever, so it is a bug to report, not a state to sleep in.
            Invariant.Check(output.PreemptedRequestIds.Count > 0 || !_scheduler.HasUnfinishedRequests, nameof(EngineCore), "unfinished requests but nothing schedulable.");
            return output.PreemptedRequestIds.Count > 0;
        }

        MarkScheduled(output);
        foreach (var copy in output.BlockCopies)
        {
            _runner.CopyBlock(copy.Source, copy.Destination);
        }

        var batch = BatchBuilder.Build(output, _scheduler.KVCacheManager);
        var logits = GetLogitsBuffer(batch.LogitsRows.Length);
        _runner.Forward(batch, logits);
        Sample(output, logits);
        ForkChoices();
        _scheduler.UpdateFromOutput(output, _sampledTokenIds, _finished);
        _scheduler.AssertInvariants();

        // NOTE: the stats snapshot goes out before the tokens, so a caller that has seen a request finish also sees its
        // blocks freed and it gone from the running count (the other order let /metrics, and a test, read the step before).
        RecordStep(output);
        Publish(output);
        return true;
    }

    /// <summary>Steps on the calling thread (a dedicated one) until <paramref name="cancellationToken"/> fires; blocks on the
    /// inbox only while there is nothing to compute. A failing step (a bug or I/O error) fails every open request and stops
    /// the loop.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!Step())
                {
                    WaitForWork(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // NOTE: not rethrown: an exception escaping a dedicated thread kills the process, and the failure is already
            // reported to every open request, to the log, and to later AddRequest calls (EngineStopped).
            Log.EngineLoopFailed(_logger, ex);
            Stop(ex);
            return;
        }

        Stop(null);
    }

    public void Dispose() => Metrics.Dispose();

    private void WaitForWork(CancellationToken cancellationToken)
    {
        var wait = _inbox.Reader.WaitToReadAsync(cancellationToken);
        if (!wait.IsCompleted)
        {
            wait.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Closes the inbox and ends every open stream (with <paramref name="error"/> when the loop failed).</summary>
    private void Stop(Exception? error)
    {
        _inbox.Writer.TryComplete();
        DrainInbox();
        _publisher.CompleteAll(error);
    }

    private void DrainInbox()
    {
        while (_inbox.Reader.TryRead(out var command))
        {
            switch (command)
            {
                case AddRequestCommand add when _publisher.TryAddGroup(add.Request, add.Outputs):
                    _scheduler.AddRequest(add.Request);
                    Log.RequestAdded(_logger, add.Request.RequestId, add.Request.NumPromptTokens);
                    break;
                case AddRequestCommand duplicate:
                    Interlocked.Decrement(ref _numUnfinished);
                    duplicate.Outputs.TryComplete(new InvalidOperationException($"Request id '{duplicate.Request.RequestId}' is already in use."));
                    break;
                case AbortRequestCommand abort when _publisher.GetGroup(abort.RequestId) is { } group:
                    Abort(group, abort);
                    break;
            }
        }
    }

    /// <summary>Finishes the group's unfinished choices (or only choice <see cref="AbortRequestCommand.Index"/>).</summary>
    private void Abort(RequestGroup group, AbortRequestCommand abort)
    {
        foreach (var choice in group.Choices.ToArray())
        {
            if ((abort.Index is null || abort.Index == choice.Index) && _scheduler.FinishRequest(choice.RequestId, abort.Reason) is { } request)
            {
                Log.RequestAborted(_logger, request.RequestId, abort.Reason);
                _publisher.PublishFinished(request);
            }
        }
    }

    private void MarkScheduled(SchedulerOutput output)
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var sequence in output.ScheduledSequences)
        {
            if (sequence.Request.FirstScheduledTimestamp == 0)
            {
                sequence.Request.FirstScheduledTimestamp = now;
            }
        }
    }

    private Span<float> GetLogitsBuffer(int numRows)
    {
        var length = numRows * _runner.VocabSize;
        if (_logits.Length < length)
        {
            _logits = new float[length];
        }

        return _logits.AsSpan(0, length);
    }

    /// <summary>Samples the next token of every sequence whose step reached its last known token, in logits-row order.</summary>
    private void Sample(SchedulerOutput output, ReadOnlySpan<float> logits)
    {
        var scheduled = output.ScheduledSequences;
        if (_sampledTokenIds.Length < scheduled.Count)
        {
            _sampledTokenIds = new int[scheduled.Count];
            _sampledTokens = new SampledToken[scheduled.Count];
        }

        var vocabSize = _runner.VocabSize;
        var numRows = 0;
        for (var i = 0; i < scheduled.Count; i++)
        {
            if (!scheduled[i].SamplesToken)
            {
                continue;
            }

            var request = scheduled[i].Request;
            var row = logits.Slice(numRows++ * vocabSize, vocabSize);
            var sampled = _sampler.Sample(row, request.SamplingParams, request.SamplingState);
            _sampledTokens[i] = sampled;
            _sampledTokenIds[i] = sampled.TokenId;
            SampleForks(request, row);
        }
    }

    /// <summary>When a request with n &gt; 1 choices finishes its prompt, draws the first token of each other choice from the
    /// same logits row; choice i samples with seed + i, so each choice is reproducible alone.</summary>
    private void SampleForks(Request parent, ReadOnlySpan<float> row)
    {
        for (var index = 1; index <= parent.NumChoicesToFork; index++)
        {
            var parameters = parent.SamplingParams with { Seed = parent.SamplingState.Seed + index };
            var state = new SequenceSamplingState(parameters, parent.AllTokenIdsSpan, _runner.VocabSize);
            var child = Request.ForkChoice(parent, index, state);
            _forks.Add((parent, child, _sampler.Sample(row, parameters, state)));
        }

        parent.NumChoicesToFork = 0;
    }

    /// <summary>Adds the choices sampled this step to the running batch, sharing their parent's blocks, and appends their
    /// first tokens; done before the parent's own update, which may finish it and release its blocks.</summary>
    private void ForkChoices()
    {
        foreach (var (parent, child, token) in _forks)
        {
            // This step computed the parent's whole prompt (it sampled), and nothing is appended yet.
            _scheduler.Fork(parent, child, parent.NumTokens);
            _publisher.AddChoice(child);
            _scheduler.AppendToken(child, token.TokenId, _finished);
        }
    }

    /// <summary>Hands each sampled token (forked choices' first tokens included) to the publisher.</summary>
    private void Publish(SchedulerOutput output)
    {
        var now = _timeProvider.GetTimestamp();
        var scheduled = output.ScheduledSequences;
        for (var i = 0; i < scheduled.Count; i++)
        {
            if (scheduled[i].SamplesToken)
            {
                _publisher.PublishToken(scheduled[i].Request, _sampledTokens[i], now);
            }
        }

        foreach (var (_, child, token) in _forks)
        {
            _publisher.PublishToken(child, token, now);
        }

        _forks.Clear();
        _finished.Clear();
    }

    /// <summary>Publishes the stats snapshot and the step's metrics (prefix-cache counters as deltas of the totals).</summary>
    private void RecordStep(SchedulerOutput output)
    {
        var kvCache = _scheduler.KVCacheManager;
        Metrics.RecordStep(output.NumScheduledTokens, output.PreemptedRequestIds.Count, kvCache.NumPrefixQueryTokens - _numPrefixQueryTokens, kvCache.NumPrefixHitTokens - _numPrefixHitTokens);
        _numPrefixQueryTokens = kvCache.NumPrefixQueryTokens;
        _numPrefixHitTokens = kvCache.NumPrefixHitTokens;
        var numTokensLastStep = output.NumScheduledTokens;
        if (numTokensLastStep > 0)
        {
            _numSteps++;
        }

        var pool = _scheduler.KVCacheManager.Pool;
        Volatile.Write(ref _stats, new SchedulerStats
        {
            NumRunning = _scheduler.NumRunning,
            NumWaiting = _scheduler.NumWaiting,
            NumPreemptions = _scheduler.NumPreemptions,
            NumBlocks = pool.NumBlocks,
            NumFreeBlocks = pool.NumFreeBlocks,
            NumPrefixCacheQueryTokens = _scheduler.KVCacheManager.NumPrefixQueryTokens,
            NumPrefixCacheHitTokens = _scheduler.KVCacheManager.NumPrefixHitTokens,
            NumSteps = _numSteps,
            NumTokensLastStep = numTokensLastStep,
        });
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Debug, "Request {RequestId} added with {NumPromptTokens} prompt tokens")]
        public static partial void RequestAdded(ILogger logger, string requestId, int numPromptTokens);

        [LoggerMessage(2002, LogLevel.Debug, "Request {RequestId} aborted ({FinishReason})")]
        public static partial void RequestAborted(ILogger logger, string requestId, FinishReason finishReason);

        [LoggerMessage(2004, LogLevel.Critical, "The engine loop failed; every open request was failed and the loop stopped")]
        public static partial void EngineLoopFailed(ILogger logger, Exception exception);
    }
}
