namespace Serving.Sampling;

/// <summary>Per-sequence state: seeded RNG stream (seed drawn at random and kept when none given), token counts of prompt and
/// generated tokens for penalties, generated count. The token drawn at step t depends only on (seed, logits, t).</summary>
/// <remarks>Owned by the engine-loop thread like the rest of a request's state. Only the structures a request's parameters
/// need are built: no penalty, no token tracking.</remarks>
public sealed class SequenceSamplingState
{
    // NOTE: logit_bias is flattened once per request so the per-token path never enumerates an IReadOnlyDictionary
    // (its interface enumerator would allocate on every token).
    private readonly int[] _biasTokenIds;
    private readonly float[] _biases;
    private readonly int[] _stopTokenIds;
    private readonly HashSet<int>? _seenTokenIds;                  // prompt ∪ generated, for the repetition penalty
    private readonly Dictionary<int, int>? _generatedTokenCounts;  // generated only, for frequency/presence

    /// <summary>Validates <paramref name="parameters"/> (throws <see cref="SamplingParamsException"/>) and captures what
    /// the penalties need from <paramref name="promptTokenIds"/>.</summary>
    public SequenceSamplingState(SamplingParams parameters, ReadOnlySpan<int> promptTokenIds, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate(vocabSize);
        Parameters = parameters;
        VocabSize = vocabSize;
        Seed = parameters.Seed ?? System.Random.Shared.NextInt64();
        _biasTokenIds = parameters.LogitBias is null ? [] : [.. parameters.LogitBias.Keys];
        _biases = parameters.LogitBias is null ? [] : [.. _biasTokenIds.Select(id => parameters.LogitBias[id])];
        _stopTokenIds = [.. parameters.StopTokenIds];
        if (parameters.RepetitionPenalty != 1f)
        {
            _seenTokenIds = new HashSet<int>(promptTokenIds.Length);
            foreach (var id in promptTokenIds)
            {
                ThrowIfOutsideVocabulary(id, nameof(promptTokenIds));
                _seenTokenIds.Add(id);
            }
        }

        if (parameters.PresencePenalty != 0f || parameters.FrequencyPenalty != 0f)
        {
            _generatedTokenCounts = [];
        }
    }

    /// <summary>The parameters this state was built for.</summary>
    public SamplingParams Parameters { get; }

    /// <summary>Vocabulary size the parameters were validated against.</summary>
    public int VocabSize { get; }

    /// <summary>Seed of this request's random stream: <see cref="SamplingParams.Seed"/>, or one drawn at random when that
    /// was null (report it so the run can be repeated).</summary>
    public long Seed { get; }

    /// <summary>Number of tokens appended so far; also the step index t of the next draw.</summary>
    public int NumGenerated { get; private set; }

    internal ReadOnlySpan<int> BiasTokenIds => _biasTokenIds;

    internal ReadOnlySpan<float> Biases => _biases;

    internal ReadOnlySpan<int> StopTokenIds => _stopTokenIds;

    internal HashSet<int>? SeenTokenIds => _seenTokenIds;

    internal Dictionary<int, int>? GeneratedTokenCounts => _generatedTokenCounts;

    /// <summary>Records an accepted token; call once per token, in order.</summary>
    public void Append(int tokenId)
    {
        ThrowIfOutsideVocabulary(tokenId, nameof(tokenId));
        _seenTokenIds?.Add(tokenId);
        if (_generatedTokenCounts is not null)
        {
            _generatedTokenCounts[tokenId] = _generatedTokenCounts.GetValueOrDefault(tokenId) + 1;
        }

        NumGenerated++;
    }

    private void ThrowIfOutsideVocabulary(int tokenId, string paramName)
    {
        if ((uint)tokenId >= (uint)VocabSize)
        {
            throw new ArgumentOutOfRangeException(paramName, tokenId, $"Token id must be in [0, {VocabSize}).");
        }
    }
}
