namespace Serving.Sampling.Processors;

/// <summary>First stage: OpenAI logit_bias and bans.</summary>
internal static class LogitBias
{
    /// <summary><c>logits[ids[i]] += biases[i]</c>, or -∞ when the bias is <see cref="SamplingParams.BanBias"/> (a ban must
    /// hold however large the logit is, which a finite -100 does not guarantee).</summary>
    public static void Apply(Span<float> logits, ReadOnlySpan<int> ids, ReadOnlySpan<float> biases)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            logits[ids[i]] = biases[i] <= SamplingParams.BanBias ? float.NegativeInfinity : logits[ids[i]] + biases[i];
        }
    }

    /// <summary><c>logits[id] = -∞</c> for every id: the token can never be drawn.</summary>
    public static void Ban(Span<float> logits, ReadOnlySpan<int> ids)
    {
        foreach (var id in ids)
        {
            logits[id] = float.NegativeInfinity;
        }
    }
}
