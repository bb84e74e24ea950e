using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serving.Sampling;
using Serving.Scheduler.Metrics;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler;

/// <summary>The engine loop's "publish" stage: writes each choice's updates into its request's output channel with
/// timings from the injected clock, records per-token and per-request metrics, and closes a request's channel when its
/// last choice finishes. Engine-thread only.</summary>
internal sealed partial class OutputPublisher(TimeProvider timeProvider, SchedulerMetrics metrics, ILogger logger, Action groupCompleted)
{
    private readonly Dictionary<string, RequestGroup> _groups = [];
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly SchedulerMetrics _metrics = metrics;
    private readonly ILogger _logger = logger;
    private readonly Action _groupCompleted = groupCompleted;

    /// <summary>Opens the output of a new request; false when its id is already in use by an unfinished one.</summary>
    public bool TryAddGroup(Request request, ChannelWriter<RequestOutput> writer) => _groups.TryAdd(request.GroupId, new RequestGroup(request, writer));

    public RequestGroup? GetGroup(string groupId) => _groups.GetValueOrDefault(groupId);

    /// <summary>Adds a forked choice to its request's group, which then stays open until that choice finishes too.</summary>
    public void AddChoice(Request child)
    {
        var group = _groups[child.GroupId];
        group.Choices.Add(child);
        group.NumUnfinished++;
    }

    /// <summary>Sends the final update of a choice finished without a new token (abort, stop string).</summary>
    public void PublishFinished(Request request) => PublishFinal(request, null, null, 0, null);

    /// <summary>Ends every open stream: with <paramref name="error"/>, or as cancelled when the engine stops.</summary>
    public void CompleteAll(Exception? error)
    {
        foreach (var group in _groups.Values)
        {
            group.Writer.TryComplete(error ?? new OperationCanceledException("The engine stopped."));
        }

        _groups.Clear();
    }

    /// <summary>Sends a sampled token (the final update when it finished the choice); records its latencies.</summary>
    public void PublishToken(Request request, SampledToken token, long now)
    {
        var isFirst = request.NumOutputTokens == 1;
        TimeSpan? interTokenTime = isFirst ? null : _timeProvider.GetElapsedTime(request.LastTokenTimestamp, now);
        TimeSpan? timeToFirstToken = isFirst ? _timeProvider.GetElapsedTime(request.ArrivalTimestamp, now) : null;
        request.LastTokenTimestamp = now;
        if (isFirst)
        {
            request.FirstTokenTimestamp = now;
        }

        _metrics.RecordToken(request, interTokenTime, timeToFirstToken);
        var logprobs = request.SamplingParams.Logprobs is null ? null : new[] { token };
        if (request.IsFinished)
        {
            PublishFinal(request, interTokenTime, logprobs, token.TokenId, now);
        }
        else if (_groups.TryGetValue(request.GroupId, out var group))
        {
            group.Writer.TryWrite(CreateOutput(request, [token.TokenId], logprobs, interTokenTime, null));
        }
    }

    /// <summary>Sends a finished request's last update (with its token when <paramref name="now"/> is set) and closes its stream.</summary>
    private void PublishFinal(Request request, TimeSpan? interTokenTime, SampledToken[]? logprobs, int tokenId, long? now)
    {
        var reason = request.FinishReason ?? throw new InvalidOperationException($"{request} has no finish reason.");
        var end = now ?? _timeProvider.GetTimestamp();
        var timings = new RequestTimings(
            request.FirstScheduledTimestamp == 0 ? TimeSpan.Zero : _timeProvider.GetElapsedTime(request.ArrivalTimestamp, request.FirstScheduledTimestamp),
            request.NumOutputTokens == 0 ? null : TimeToFirstToken(request),
            _timeProvider.GetElapsedTime(request.ArrivalTimestamp, end),
            request.NumPreemptions);
        _metrics.RecordFinished(request, reason, timings);
        Log.RequestFinished(_logger, request.RequestId, reason, request.NumOutputTokens);
        if (_groups.TryGetValue(request.GroupId, out var group))
        {
            group.Writer.TryWrite(CreateOutput(request, now is null ? [] : [tokenId], logprobs, interTokenTime, timings) with { FinishReason = reason });
            if (--group.NumUnfinished == 0)
            {
                _groups.Remove(request.GroupId);
                group.Writer.TryComplete();
                _groupCompleted();
            }
        }
    }

    private TimeSpan TimeToFirstToken(Request request) => _timeProvider.GetElapsedTime(request.ArrivalTimestamp, request.FirstTokenTimestamp);

    private static RequestOutput CreateOutput(Request request, int[] tokenIds, SampledToken[]? logprobs, TimeSpan? interTokenTime, RequestTimings? timings) => new()
    {
        RequestId = request.GroupId,
        Index = request.Index,
        NewTokenIds = tokenIds,
        Logprobs = logprobs,
        NumPromptTokens = request.NumPromptTokens,
        NumCachedTokens = request.NumCachedTokens,
        NumOutputTokens = request.NumOutputTokens,
        InterTokenTime = interTokenTime,
        Timings = timings,
    };

    private static partial class Log
    {
        [LoggerMessage(2003, LogLevel.Debug, "Request {RequestId} finished ({FinishReason}) after {NumOutputTokens} tokens")]
        public static partial void RequestFinished(ILogger logger, string requestId, FinishReason finishReason, int numOutputTokens);
    }
}
