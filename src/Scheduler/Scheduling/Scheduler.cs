using System.Diagnostics;
using Serving.Sampling;
using Serving.Scheduler.KVCache;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Scheduling;

/// <summary>Continuous batching with one token budget per step (vLLM v1): every running sequence gets its next tokens
/// first (one decode token, or the next prefill chunk), then waiting requests are admitted in arrival order with whatever
/// budget is left. When blocks run out, the most recently admitted sequence is preempted and later recomputed.</summary>
/// <remarks>A plain single-threaded object owned by the engine loop (STYLE C1): no locks.</remarks>
internal sealed class Scheduler
{
    private readonly SchedulerOptions _options;
    private readonly IReadOnlyList<int> _eosTokenIds;
    private readonly LinkedList<Request> _waiting = new();
    private readonly List<Request> _running = [];
    private readonly Dictionary<string, Request> _requests = [];

    // Per-step scratch, reused.
    private readonly List<ScheduledSequence> _scheduled = [];
    private readonly List<string> _preempted = [];
    private readonly List<BlockCopy> _copies = [];

    public Scheduler(SchedulerOptions options, int blockSize, int numBlocks, IReadOnlyList<int> eosTokenIds)
    {
        _options = options;
        _eosTokenIds = eosTokenIds;
        KVCacheManager = new KVCacheManager(numBlocks, blockSize, options.EnablePrefixCaching);
        Limits = new RequestLimits(options.MaxModelLen, blockSize, numBlocks);
    }

    public KVCacheManager KVCacheManager { get; }

    public RequestLimits Limits { get; }

    public int NumWaiting => _waiting.Count;

    public int NumRunning => _running.Count;

    public int NumUnfinished => _requests.Count;

    /// <summary>Preemptions since start (a counter, vLLM's num_preemptions).</summary>
    public long NumPreemptions { get; private set; }

    public bool HasUnfinishedRequests => _requests.Count > 0;

    public IReadOnlyList<Request> Running => _running;

    public IEnumerable<Request> Waiting => _waiting;

    /// <summary>Queues a request that passed <see cref="RequestLimits.Check"/>.</summary>
    public void AddRequest(Request request)
    {
        Debug.Assert(Limits.Check(request.NumPromptTokens, request.SamplingParams.MaxTokens) is null, "Callers reject what can never fit.");
        _requests.Add(request.RequestId, request);
        _waiting.AddLast(request);
    }

    public Request? GetRequest(string requestId) => _requests.GetValueOrDefault(requestId);

    /// <summary>Finishes an unfinished request at once (abort, or a stop string found by the detokenizing side): it leaves
    /// the queues and its blocks go back to the pool. Returns null when the request is unknown or already finished.</summary>
    public Request? FinishRequest(string requestId, FinishReason reason)
    {
        if (!_requests.Remove(requestId, out var request))
        {
            return null;
        }

        if (request.Status == RequestStatus.Running)
        {
            _running.Remove(request);
        }
        else
        {
            _waiting.Remove(request);
        }

        Finish(request, reason);
        return request;
    }

    /// <summary>Plans the next step. Admits new requests only when nothing was preempted, so a preempted sequence is not
    /// overtaken by newer ones (it waits at the front of the queue).</summary>
    public SchedulerOutput Schedule()
    {
        _scheduled.Clear();
        _preempted.Clear();
        _copies.Clear();
        var tokenBudget = ScheduleRunning(_options.MaxNumBatchedTokens);
        if (_preempted.Count == 0)
        {
            tokenBudget = ScheduleWaiting(tokenBudget);
        }

        KVCacheManager.TakePendingCopies(_copies);
        return new SchedulerOutput([.. _scheduled], _options.MaxNumBatchedTokens - tokenBudget, [.. _copies], [.. _preempted]);
    }

    /// <summary>Applies a finished step: advances computed tokens, caches newly full blocks, appends the sampled token of
    /// each sequence that asked for one and finishes those that hit a stop condition. <paramref name="sampledTokenIds"/>
    /// is parallel to <see cref="SchedulerOutput.ScheduledSequences"/> (ignored where no token was sampled); requests this
    /// step finished are appended to <paramref name="finished"/>.</summary>
    public void UpdateFromOutput(SchedulerOutput output, ReadOnlySpan<int> sampledTokenIds, List<Request> finished)
    {
        var scheduled = output.ScheduledSequences;
        for (var i = 0; i < scheduled.Count; i++)
        {
            var (request, numComputed, numScheduled, samplesToken) = scheduled[i];
            if (request.IsFinished)
            {
                continue;
            }

            Debug.Assert(request.NumComputedTokens == numComputed, "Nothing else moves a scheduled sequence.");
            request.NumComputedTokens += numScheduled;
            KVCacheManager.CacheFullBlocks(request);
            if (!samplesToken)
            {
                continue;
            }

            AppendToken(request, sampledTokenIds[i], finished);
        }

        if (finished.Count > 0)
        {
            _running.RemoveAll(static r => r.IsFinished);
        }
    }

    /// <summary>Adds choice <paramref name="child"/> of <paramref name="parent"/>, whose prompt this step computed: it shares
    /// the parent's blocks and runs from the next step. Call before the step's update, while the parent's blocks are held.</summary>
    public void Fork(Request parent, Request child, int numComputedTokens)
    {
        KVCacheManager.Fork(parent, child);
        child.NumComputedTokens = numComputedTokens;
        child.Status = RequestStatus.Running;
        _requests.Add(child.RequestId, child);
        _running.Add(child);
    }

    /// <summary>Appends a sampled token to a running sequence and finishes it on a stop condition (then it is added to
    /// <paramref name="finished"/>, and removed from the running list by the caller's update).</summary>
    public void AppendToken(Request request, int tokenId, List<Request> finished)
    {
        request.AppendOutputToken(tokenId);
        if (StopConditions.Check(tokenId, request.SamplingParams, request.SamplingState, _eosTokenIds) is { } reason)
        {
            _requests.Remove(request.RequestId);
            Finish(request, reason);
            finished.Add(request);
        }
    }

    [Conditional("DEBUG")]
    public void AssertInvariants() => CheckInvariants();

    /// <summary>The checks behind <see cref="AssertInvariants"/>, compiled in every configuration so that a Release test
    /// run (or a nested check from another type's invariants) still performs them.</summary>
    public void CheckInvariants()
    {
        KVCacheManager.CheckInvariants();
        Invariant.Check(_running.Count + _waiting.Count == _requests.Count, nameof(Scheduler), "every unfinished request is either running or waiting.");
        foreach (var request in _running)
        {
            Invariant.Check(request.Status == RequestStatus.Running, nameof(Scheduler), $"{request} is in the running list.");
            Invariant.Check(
                KVCacheManager.GetBlockTable(request.RequestId).Count >= KVCacheManager.NumBlocksFor(request.NumComputedTokens),
                nameof(Scheduler),
                $"{request} has fewer blocks than its computed tokens need.");
        }

        foreach (var request in _waiting)
        {
            Invariant.Check(request.Status is RequestStatus.Waiting or RequestStatus.Preempted, nameof(Scheduler), $"{request} is in the waiting queue.");
            Invariant.Check(request.NumComputedTokens == 0 && KVCacheManager.GetBlockTable(request.RequestId).Count == 0, nameof(Scheduler), $"{request} waits while holding cache.");
        }
    }

    /// <summary>Gives each running sequence its next tokens, in admission order, preempting from the tail when the pool
    /// runs dry. Returns the budget left.</summary>
    private int ScheduleRunning(int tokenBudget)
    {
        for (var i = 0; i < _running.Count && tokenBudget > 0; i++)
        {
            var request = _running[i];
            var numNewTokens = Math.Min(request.NumTokens - request.NumComputedTokens, tokenBudget);
            Debug.Assert(numNewTokens > 0, "A running sequence always has its latest token to compute.");
            while (KVCacheManager.AllocateSlots(request, numNewTokens) is null)
            {
                // NOTE: the newest admission goes first (vLLM's FCFS preemption); when that is this sequence itself,
                // nothing older can make room for it, so it waits for the next step.
                var victim = _running[^1];
                _running.RemoveAt(_running.Count - 1);
                Preempt(victim);
                if (victim == request)
                {
                    return tokenBudget;
                }
            }

            _scheduled.Add(ScheduledSequence.For(request, numNewTokens));
            tokenBudget -= numNewTokens;
        }

        return tokenBudget;
    }

    /// <summary>Admits waiting requests in arrival order (preempted ones first) while budget, sequence slots and blocks
    /// last; a long prompt gets a chunk now and the rest in later steps. Returns the budget left.</summary>
    private int ScheduleWaiting(int tokenBudget)
    {
        // NOTE: a request with n choices takes n sequence slots; its forks join the running list when its prompt completes.
        while (_waiting.First is { } node && tokenBudget > 0 && _running.Count + 1 + node.Value.NumChoicesToFork <= _options.MaxNumSeqs)
        {
            var request = node.Value;
            var hit = KVCacheManager.GetComputedBlocks(request);
            var numNewTokens = Math.Min(request.NumTokens - hit.NumComputedTokens, tokenBudget);
            if (KVCacheManager.AllocateSlots(request, numNewTokens, hit) is null)
            {
                break;
            }

            _waiting.RemoveFirst();
            KVCacheManager.RecordPrefixLookup(request, hit);
            if (request.Status == RequestStatus.Waiting)
            {
                request.NumCachedTokens = hit.NumComputedTokens;
            }

            request.NumComputedTokens = hit.NumComputedTokens;
            request.Status = RequestStatus.Running;
            _running.Add(request);
            _scheduled.Add(ScheduledSequence.For(request, numNewTokens));
            tokenBudget -= numNewTokens;
        }

        return tokenBudget;
    }

    /// <summary>Frees a running sequence's cache and queues it at the front; its generated tokens stay in
    /// <see cref="Request.AllTokenIds"/> and are recomputed with the prompt, so no token is lost or repeated.</summary>
    private void Preempt(Request request)
    {
        KVCacheManager.Free(request);
        request.NumComputedTokens = 0;
        request.NumPreemptions++;
        request.Status = RequestStatus.Preempted;
        _waiting.AddFirst(request);
        _preempted.Add(request.RequestId);
        NumPreemptions++;
    }

    private void Finish(Request request, FinishReason reason)
    {
        KVCacheManager.Free(request);
        request.NumChoicesToFork = 0;
        request.Status = RequestStatus.Finished;
        request.FinishReason = reason;
    }
}
