using System.Diagnostics.CodeAnalysis;

namespace Serving.Sampling;

/// <summary>Validated per-request sampling parameters (immutable). Names and ranges follow the OpenAI / vLLM request
/// fields; <see cref="Validate"/> rejects anything out of range instead of clamping it (STYLE E2).</summary>
/// <remarks>Processing order inside <see cref="Sampler.Sample"/>: logit bias and bans (including the min-tokens mask of
/// EOS and stop ids) → penalties (repetition, then frequency/presence) → temperature → top-k → top-p → min-p → draw.</remarks>
public sealed record SamplingParams
{
    /// <summary>Bias at or below this value bans the token outright (OpenAI: "-100 should result in a ban").</summary>
    public const float BanBias = -100f;

    /// <summary>Largest number of alternatives <see cref="Logprobs"/> may ask for (OpenAI's <c>top_logprobs</c> cap).</summary>
    public const int MaxLogprobs = 20;

    /// <summary>Temperatures below this are greedy, as in vLLM: 1/T would overflow the scaled logits.</summary>
    public const float MinSamplingTemperature = 1e-5f;

    /// <summary>Softmax temperature; 0 (or anything below <see cref="MinSamplingTemperature"/>) means greedy: the argmax
    /// after bias and penalties.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the k most likely tokens; 0 or -1 turns it off, and so does k at or above the vocabulary size.
    /// </summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest most-likely set whose probability mass is at least this; 1 turns it off.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens whose probability is below <c>MinP × p(most likely)</c>; 0 turns it off.</summary>
    public float MinP { get; init; }

    /// <summary>Multiplicative penalty (CTRL / HF / vLLM) on every token seen in the prompt or the output: a positive logit
    /// is divided by it, a negative one multiplied. 1 turns it off.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Additive penalty (OpenAI) subtracted once from every token that occurs in the generated output.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Additive penalty (OpenAI) subtracted per occurrence of a token in the generated output.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Token id → bias added to its logit, in [-100, 100]; -100 bans the token.</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>Seed of the request's random stream; null draws a random seed (kept in
    /// <see cref="SequenceSamplingState.Seed"/>).</summary>
    public long? Seed { get; init; }

    /// <summary>Most tokens to generate (finish reason <see cref="FinishReason.Length"/>).</summary>
    public int MaxTokens { get; init; } = 16;

    /// <summary>EOS and stop token ids are masked (never drawn) until this many tokens have been generated.</summary>
    public int MinTokens { get; init; }

    /// <summary>Keep generating past EOS (it neither stops nor is masked).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Token ids that finish the request like EOS does.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that finish the request; matched on detokenized text by <see cref="StopStringMatcher"/>.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>null: no logprobs. N in 0..20: the chosen token's logprob plus the N most likely alternatives.</summary>
    public int? Logprobs { get; init; }

    /// <summary>True when <see cref="Sampler.Sample"/> takes the argmax instead of drawing.</summary>
    public bool IsGreedy => Temperature < MinSamplingTemperature || TopK == 1;

    /// <summary>Throws <see cref="SamplingParamsException"/> naming the first field that is out of range.</summary>
    public void Validate(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        Require(float.IsFinite(Temperature) && Temperature >= 0f, "temperature", "must be a finite number >= 0");
        Require(TopK >= -1, "top_k", "must be -1 or 0 (off) or a positive number of tokens");
        Require(TopP > 0f && TopP <= 1f, "top_p", "must be in (0, 1]");
        Require(MinP >= 0f && MinP <= 1f, "min_p", "must be in [0, 1]");
        Require(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0f, "repetition_penalty", "must be a finite number > 0");
        Require(PresencePenalty >= -2f && PresencePenalty <= 2f, "presence_penalty", "must be in [-2, 2]");
        Require(FrequencyPenalty >= -2f && FrequencyPenalty <= 2f, "frequency_penalty", "must be in [-2, 2]");
        Require(MaxTokens >= 1, "max_tokens", "must be >= 1");
        Require(MinTokens >= 0 && MinTokens <= MaxTokens, "min_tokens", "must be in [0, max_tokens]");
        Require(Logprobs is null or (>= 0 and <= MaxLogprobs), "logprobs", $"must be in [0, {MaxLogprobs}]");
        ValidateLogitBias(vocabSize);
        // NOTE: non-nullable, but a deserializer can still hand us null.
        Require(StopTokenIds is not null, "stop_token_ids", "must be a list (empty for none)");
        Require(Stop is not null, "stop", "must be a list (empty for none)");
        foreach (var id in StopTokenIds)
        {
            Require(id >= 0 && id < vocabSize, "stop_token_ids", $"token id {id} is outside the vocabulary [0, {vocabSize})");
        }

        foreach (var stop in Stop)
        {
            Require(!string.IsNullOrEmpty(stop), "stop", "stop strings must be non-empty");
        }
    }

    private void ValidateLogitBias(int vocabSize)
    {
        if (LogitBias is null)
        {
            return;
        }

        var numBanned = 0;
        foreach (var (id, bias) in LogitBias)
        {
            Require(id >= 0 && id < vocabSize, "logit_bias", $"token id {id} is outside the vocabulary [0, {vocabSize})");
            Require(bias >= -100f && bias <= 100f, "logit_bias", $"bias for token {id} must be in [-100, 100]");
            numBanned += bias <= BanBias ? 1 : 0;
        }

        // NOTE: a request that bans every token could never produce one; reject it here rather than fail mid-generation.
        Require(numBanned < vocabSize, "logit_bias", "bans every token of the vocabulary");
    }

    private static void Require([DoesNotReturnIf(false)] bool condition, string param, string message)
    {
        if (!condition)
        {
            throw new SamplingParamsException(param, $"{param} {message}.");
        }
    }
}
