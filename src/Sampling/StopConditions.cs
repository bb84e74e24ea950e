namespace Serving.Sampling;

/// <summary>Decides EOS / stop_token_ids / max_tokens / min_tokens after each token (EOS ids come from the model).
/// Stop strings are not checked here: they need detokenized text (<see cref="StopStringMatcher"/>, STYLE E5).</summary>
public static class StopConditions
{
    /// <summary>Call after <see cref="SequenceSamplingState.Append"/> of <paramref name="tokenId"/>. Returns null to keep
    /// going. Before <see cref="SamplingParams.MinTokens"/> tokens nothing stops (the sampler also masks EOS and stop ids
    /// then); EOS (unless <see cref="SamplingParams.IgnoreEos"/>) and stop ids give <see cref="FinishReason.Stop"/>, which
    /// wins over <see cref="FinishReason.Length"/> on the last allowed token.</summary>
    public static FinishReason? Check(int tokenId, SamplingParams p, SequenceSamplingState s, IReadOnlyList<int> eosTokenIds)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        if (s.NumGenerated < p.MinTokens)
        {
            return null;
        }

        if ((!p.IgnoreEos && Contains(eosTokenIds, tokenId)) || Contains(p.StopTokenIds, tokenId))
        {
            return FinishReason.Stop;
        }

        return s.NumGenerated >= p.MaxTokens ? FinishReason.Length : null;
    }

    private static bool Contains(IReadOnlyList<int> ids, int tokenId)
    {
        // NOTE: indexed loop, not foreach/LINQ: an interface enumerator would allocate on every token.
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == tokenId)
            {
                return true;
            }
        }

        return false;
    }
}
