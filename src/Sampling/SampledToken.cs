namespace Serving.Sampling;

/// <summary>One sampled token. <see cref="Logprob"/> is NaN and <see cref="TopLogprobs"/> null unless
/// <see cref="SamplingParams.Logprobs"/> was set; <see cref="TopLogprobs"/> is then sorted most likely first (ties: lower
/// id) and empty for <c>Logprobs = 0</c>.</summary>
/// <remarks>Which distribution: the log-softmax of the logits after logit bias, bans (including the min-tokens mask) and
/// penalties, before temperature, top-k, top-p and min-p. That is neither of vLLM's two ends (<c>raw_logprobs</c>, its
/// default, is the model's output before any processing; <c>processed_logprobs</c> is after temperature and truncation): it
/// reflects what the request's bias and penalties did, yet stays comparable across temperatures and never reports -∞ for a
/// token that truncation happened to drop. Banned tokens do report -∞.</remarks>
public readonly record struct SampledToken(int TokenId, float Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs);
