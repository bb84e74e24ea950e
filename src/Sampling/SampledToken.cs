namespace Serving.Sampling;

/// <summary>One sampled token. <see cref="Logprob"/> is NaN and <see cref="TopLogprobs"/> null unless
/// <see cref="SamplingParams.Logprobs"/> was set; then both come from the log-softmax of the logits after bias, bans and
/// penalties, before temperature and truncation. <see cref="TopLogprobs"/> is sorted most likely first.</summary>
public readonly record struct SampledToken(int TokenId, float Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs);
