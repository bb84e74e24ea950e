namespace Serving.Server.OpenAI.Contracts;

/// <summary>The completions API's column-wise logprobs: per generated token its text, logprob, top alternatives
/// (token text → logprob) and character offset into the choice's text.</summary>
internal sealed record CompletionLogprobs(
    IReadOnlyList<string> Tokens,
    IReadOnlyList<float> TokenLogprobs,
    IReadOnlyList<IReadOnlyDictionary<string, float>> TopLogprobs,
    IReadOnlyList<int> TextOffset);
