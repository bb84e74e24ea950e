namespace Serving.Sampling;

/// <summary>A token id with its log-probability (natural log).</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);
