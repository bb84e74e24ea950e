namespace Serving.Sampling.Processors;

/// <summary>Second stage: repetition penalty (multiplicative), then frequency and presence penalties (additive).</summary>
internal static class Penalties
{
    /// <summary>CTRL / HF / vLLM: for every seen token, <c>x &gt; 0 ? x / penalty : x * penalty</c>, so a penalty above 1
    /// always makes the token less likely whatever the logit's sign.</summary>
    public static void ApplyRepetition(Span<float> logits, HashSet<int> seenTokenIds, float penalty)
    {
        foreach (var id in seenTokenIds)
        {
            var x = logits[id];
            logits[id] = x > 0f ? x / penalty : x * penalty;
        }
    }

    /// <summary>OpenAI: <c>x -= count * frequency + (count &gt; 0 ? presence : 0)</c> with counts over generated tokens only.
    /// </summary>
    public static void ApplyFrequencyPresence(Span<float> logits, Dictionary<int, int> generatedTokenCounts, float frequency,
        float presence)
    {
        foreach (var (id, count) in generatedTokenCounts)
        {
            logits[id] -= count * frequency + presence;
        }
    }
}
