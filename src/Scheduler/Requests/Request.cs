using Serving.Sampling;
using Serving.Scheduler.KVCache;

namespace Serving.Scheduler.Requests;

/// <summary>One sequence's state on the engine thread (STYLE C1): its tokens (prompt, then generated), how many of them
/// are in the KV cache, sampling state and timing. Mutated only by the scheduler and the engine loop.</summary>
/// <remarks>
/// <c>NumComputedTokens</c> counts tokens whose K/V are in the cache; the next step computes
/// <c>AllTokenIds[NumComputedTokens .. NumTokens)</c> (all of them are known). A step that reaches
/// <c>NumComputedTokens == NumTokens</c> yields logits for the next token:
/// <code>
///   AllTokenIds: | prompt ............ | generated ... | next (sampled after the step that computes the last one)
///                 0                     NumPromptTokens  NumTokens
/// </code>
/// A preempted request drops its cache (NumComputedTokens = 0) and later recomputes prompt and generated tokens alike.
/// </remarks>
internal sealed class Request
{
    private readonly List<int> _allTokenIds;

    public Request(string requestId, IReadOnlyList<int> promptTokenIds, SequenceSamplingState samplingState, long arrivalTimestamp)
    {
        if (promptTokenIds.Count == 0)
        {
            throw new ArgumentException("A request needs at least one prompt token.", nameof(promptTokenIds));
        }

        RequestId = requestId;
        NumPromptTokens = promptTokenIds.Count;
        _allTokenIds = new List<int>(promptTokenIds.Count + samplingState.Parameters.MaxTokens);
        _allTokenIds.AddRange(promptTokenIds);
        SamplingState = samplingState;
        ArrivalTimestamp = arrivalTimestamp;
    }

    public string RequestId { get; }

    public RequestStatus Status { get; set; } = RequestStatus.Waiting;

    public SamplingParams SamplingParams => SamplingState.Parameters;

    public SequenceSamplingState SamplingState { get; }

    public int NumPromptTokens { get; }

    public int NumTokens => _allTokenIds.Count;

    public int NumOutputTokens => _allTokenIds.Count - NumPromptTokens;

    /// <summary>Tokens whose K/V are in the cache (prefix hits included).</summary>
    public int NumComputedTokens { get; set; }

    /// <summary>Prompt tokens served from the prefix cache when the request was first admitted.</summary>
    public int NumCachedTokens { get; set; }

    public int NumPreemptions { get; set; }

    public IReadOnlyList<int> AllTokenIds => _allTokenIds;

    public ReadOnlySpan<int> AllTokenIdsSpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_allTokenIds);

    public ReadOnlySpan<int> OutputTokenIds => AllTokenIdsSpan[NumPromptTokens..];

    /// <summary>Hashes of the full blocks of <see cref="AllTokenIds"/>, extended lazily by the KV-cache manager.</summary>
    public List<BlockHash> BlockHashes { get; } = [];

    public FinishReason? FinishReason { get; set; }

    public bool IsFinished => Status == RequestStatus.Finished;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request reached the engine.</summary>
    public long ArrivalTimestamp { get; }

    /// <summary>When the request was first scheduled (end of its queue time); 0 until then.</summary>
    public long FirstScheduledTimestamp { get; set; }

    /// <summary>When the first token was sampled; 0 until then.</summary>
    public long FirstTokenTimestamp { get; set; }

    /// <summary>When the latest token was sampled; 0 until the first one.</summary>
    public long LastTokenTimestamp { get; set; }

    public void AppendOutputToken(int tokenId)
    {
        _allTokenIds.Add(tokenId);
        SamplingState.Append(tokenId);
    }

    public override string ToString() => $"{RequestId} ({Status}, {NumComputedTokens}/{NumTokens} computed)";
}
