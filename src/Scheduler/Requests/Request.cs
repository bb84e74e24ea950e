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

    /// <summary>A new request; with <paramref name="numChoices"/> (OpenAI <c>n</c>) above 1, the other choices are forked
    /// from this one once its prompt is computed, sharing its blocks.</summary>
    public Request(string requestId, IReadOnlyList<int> promptTokenIds, SequenceSamplingState samplingState, long arrivalTimestamp, int numChoices = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numChoices, 1);
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
        GroupId = requestId;
        NumChoicesToFork = numChoices - 1;
    }

    /// <summary>The client's request id; choice <see cref="Index"/> of it. Equals <see cref="RequestId"/> for choice 0.</summary>
    public string GroupId { get; private init; }

    /// <summary>Choice index within the group (0 for the request as submitted).</summary>
    public int Index { get; private init; }

    /// <summary>Choices still to fork from this one when its prompt completes (0 once forked, and for n = 1).</summary>
    public int NumChoicesToFork { get; set; }

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

    /// <summary>Choice <paramref name="index"/> of <paramref name="parent"/>'s group: the same prompt and timing, its own
    /// sampling state; called when the parent's prompt is computed and before its first token is appended.</summary>
    public static Request ForkChoice(Request parent, int index, SequenceSamplingState samplingState)
    {
        if (parent.NumOutputTokens != 0)
        {
            throw new InvalidOperationException($"{parent} must be forked before its first token is appended.");
        }

        return new Request($"{parent.GroupId}#{index}", parent._allTokenIds, samplingState, parent.ArrivalTimestamp)
        {
            GroupId = parent.GroupId,
            Index = index,
            NumCachedTokens = parent.NumCachedTokens,
            FirstScheduledTimestamp = parent.FirstScheduledTimestamp,
        };
    }

    public void AppendOutputToken(int tokenId)
    {
        _allTokenIds.Add(tokenId);
        SamplingState.Append(tokenId);
    }

    public override string ToString() => $"{RequestId} ({Status}, {NumComputedTokens}/{NumTokens} computed)";
}
