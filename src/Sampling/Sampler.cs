using System.Diagnostics;
using System.Numerics.Tensors;
using Serving.Sampling.Processors;
using Serving.Sampling.Random;

namespace Serving.Sampling;

/// <summary>Owns reusable scratch buffers for one vocab size; not thread-safe (one per engine loop). Zero allocation per token
/// unless logprobs are asked for.</summary>
/// <remarks>
/// Order: logit bias and bans (and, before <see cref="SamplingParams.MinTokens"/>, the EOS / stop-id mask) → repetition
/// penalty → frequency and presence penalties → temperature → top-k → top-p → min-p → draw. Greedy (temperature 0 or
/// top-k 1) is the argmax after bias and penalties. NaN logits are treated as -∞; if some logits are +∞ the draw is uniform
/// among them. The draw inverts the CDF at one uniform from <see cref="CounterRng"/>(seed, t), t = tokens generated so far,
/// over candidates in a deterministic order, so it depends only on (seed, logits, t).
/// </remarks>
public sealed class Sampler
{
    // NOTE: above this k, one SIMD pass over the vocabulary beats scalar exp per candidate.
    private const int MaxScalarWeights = 1024;

    private readonly int[] _eosTokenIds;
    private readonly float[] _logits;      // [vocabSize] processed logits, when a stage changes them
    private readonly float[] _weights;     // [vocabSize] exp((logit - max) / T); only candidates' entries are current
    private readonly int[] _candidates;    // [vocabSize] token ids still in the running
    private readonly double[] _chunkSums;  // [InverseCdf.NumChunks(vocabSize)] weight per chunk of the vocabulary
    private readonly int[] _topLogprobIds = new int[SamplingParams.MaxLogprobs];

    /// <summary>Scratch for rows of <paramref name="vocabSize"/> logits. <paramref name="eosTokenIds"/> (from the model) are
    /// masked, like each request's stop token ids, until the request has <see cref="SamplingParams.MinTokens"/> tokens.
    /// </summary>
    public Sampler(int vocabSize, IReadOnlyList<int> eosTokenIds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        VocabSize = vocabSize;
        _eosTokenIds = [.. eosTokenIds];
        foreach (var id in _eosTokenIds)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)vocabSize, nameof(eosTokenIds));
        }

        _logits = new float[vocabSize];
        _weights = new float[vocabSize];
        _candidates = new int[vocabSize];
        _chunkSums = new double[InverseCdf.NumChunks(vocabSize)];
    }

    /// <summary>Length of every logits row.</summary>
    public int VocabSize { get; }

    /// <summary>Picks the next token of one sequence from its logits row. Does not change <paramref name="state"/>: call
    /// <see cref="SequenceSamplingState.Append"/> with the token once it is accepted.</summary>
    /// <exception cref="InvalidOperationException">No logit is finite after bias, bans and penalties.</exception>
    public SampledToken Sample(ReadOnlySpan<float> logits, SamplingParams parameters, SequenceSamplingState state)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        if (logits.Length != VocabSize || state.VocabSize != VocabSize)
        {
            throw new ArgumentException($"Expected a logits row and state for vocabulary size {VocabSize}.", nameof(logits));
        }

        Debug.Assert(ReferenceEquals(parameters, state.Parameters), "state was built for other parameters");
        var processed = ProcessLogits(logits, parameters, state);
        var max = SanitizedMax(ref processed);
        var tokenId = parameters.IsGreedy
            ? TopK.ArgMax(processed, max)
            : Draw(processed, max, parameters, CounterRng.Uniform(state.Seed, state.NumGenerated));
        return parameters.Logprobs is { } numTop
            ? WithLogprobs(processed, max, tokenId, numTop)
            : new SampledToken(tokenId, float.NaN, null);
    }

    /// <summary>Bias, bans and penalties. Returns <paramref name="logits"/> itself when no stage applies (no copy).</summary>
    private ReadOnlySpan<float> ProcessLogits(ReadOnlySpan<float> logits, SamplingParams parameters,
        SequenceSamplingState state)
    {
        var maskStops = state.NumGenerated < parameters.MinTokens;
        var maskEos = maskStops && !parameters.IgnoreEos && _eosTokenIds.Length > 0;
        var maskStopIds = maskStops && state.StopTokenIds.Length > 0;
        if (state.BiasTokenIds.Length == 0 && !maskEos && !maskStopIds && state.SeenTokenIds is null
            && state.GeneratedTokenCounts is null)
        {
            return logits;
        }

        var processed = _logits.AsSpan();
        logits.CopyTo(processed);
        LogitBias.Apply(processed, state.BiasTokenIds, state.Biases);
        if (maskEos)
        {
            LogitBias.Ban(processed, _eosTokenIds);
        }

        if (maskStopIds)
        {
            LogitBias.Ban(processed, state.StopTokenIds);
        }

        if (state.SeenTokenIds is { } seen)
        {
            Penalties.ApplyRepetition(processed, seen, parameters.RepetitionPenalty);
        }

        if (state.GeneratedTokenCounts is { } counts)
        {
            Penalties.ApplyFrequencyPresence(processed, counts, parameters.FrequencyPenalty, parameters.PresencePenalty);
        }

        return processed;
    }

    /// <summary>Max logit; rewrites NaN to -∞ and, when some logits are +∞, makes them the only finite ones (0).</summary>
    private float SanitizedMax(ref ReadOnlySpan<float> logits)
    {
        // NOTE: TensorPrimitives.Max returns NaN if any element is NaN, so one SIMD pass detects both special cases.
        var max = TensorPrimitives.Max(logits);
        if (float.IsNaN(max) || float.IsPositiveInfinity(max))
        {
            var sanitized = _logits.AsSpan();
            if (!logits.Overlaps(sanitized))
            {
                logits.CopyTo(sanitized);
            }

            ReplaceSpecialValues(sanitized);
            logits = sanitized;
            max = TensorPrimitives.Max(logits);
        }

        if (float.IsNegativeInfinity(max))
        {
            throw new InvalidOperationException("No token has a finite logit after bias, bans and penalties.");
        }

        return max;
    }

    private static void ReplaceSpecialValues(Span<float> logits)
    {
        var hasPositiveInfinity = false;
        for (var i = 0; i < logits.Length; i++)
        {
            if (float.IsNaN(logits[i]))
            {
                logits[i] = float.NegativeInfinity;
            }

            hasPositiveInfinity |= float.IsPositiveInfinity(logits[i]);
        }

        if (hasPositiveInfinity)
        {
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = float.IsPositiveInfinity(logits[i]) ? 0f : float.NegativeInfinity;
            }
        }
    }

    private int Draw(ReadOnlySpan<float> logits, float max, SamplingParams parameters, double uniform)
    {
        if (parameters.TopK > 0 && parameters.TopK < VocabSize)
        {
            return DrawFromTopK(logits, max, parameters, uniform);
        }

        var weights = _weights.AsSpan();
        Temperature.ToWeights(logits, max, parameters.Temperature, weights);
        if (parameters.TopP >= 1f && parameters.MinP <= 0f)
        {
            return InverseCdf.DrawFromAll(weights, _chunkSums, uniform);
        }

        int numCandidates;
        if (parameters.TopP < 1f)
        {
            double totalMass = TensorPrimitives.Sum(weights);
            numCandidates = TopP.SelectFromAll(weights, parameters.MinP, totalMass, parameters.TopP * totalMass, _candidates);
        }
        else
        {
            numCandidates = MinP.Collect(weights, parameters.MinP, _candidates);
        }

        return InverseCdf.Draw(_candidates.AsSpan(0, numCandidates), weights, uniform);
    }

    /// <summary>Top-k selects on logits (temperature is a positive scale, so the set is the same); only the k candidates
    /// get weights, and top-p's target mass is measured on them.</summary>
    private int DrawFromTopK(ReadOnlySpan<float> logits, float max, SamplingParams parameters, double uniform)
    {
        var weights = _weights.AsSpan();
        var candidates = _candidates.AsSpan(0, parameters.TopK);
        TopK.Select(logits, parameters.TopK, candidates);
        if (parameters.TopK <= MaxScalarWeights)
        {
            Temperature.ToWeights(logits, candidates, max, parameters.Temperature, weights);
        }
        else
        {
            Temperature.ToWeights(logits, max, parameters.Temperature, weights);
        }

        var totalMass = InverseCdf.Sum(candidates, weights);
        candidates = candidates[..MinP.Filter(candidates, weights, parameters.MinP)];
        if (parameters.TopP < 1f)
        {
            candidates = candidates[..TopP.Select(candidates, weights, parameters.TopP * totalMass)];
        }

        return InverseCdf.Draw(candidates, weights, uniform);
    }

    /// <summary>Log-softmax of the processed logits (before temperature and truncation) for the chosen token and the
    /// <paramref name="numTop"/> most likely ones. Allocates the result list.</summary>
    private SampledToken WithLogprobs(ReadOnlySpan<float> logits, float max, int tokenId, int numTop)
    {
        var scratch = _weights.AsSpan();
        Temperature.ToWeights(logits, max, 1f, scratch);
        var logNormalizer = max + MathF.Log(TensorPrimitives.Sum(scratch));
        numTop = Math.Min(numTop, VocabSize);
        var top = new TokenLogprob[numTop];
        if (numTop > 0)
        {
            var ids = _topLogprobIds.AsSpan(0, numTop);
            TopK.Select(logits, numTop, ids);
            TopK.SortDescending(ids, logits);
            for (var i = 0; i < numTop; i++)
            {
                top[i] = new TokenLogprob(ids[i], logits[ids[i]] - logNormalizer);
            }
        }

        return new SampledToken(tokenId, logits[tokenId] - logNormalizer, top);
    }
}
