namespace Serving.Server.OpenAI.Contracts;

/// <summary>A generated token's text, UTF-8 bytes, logprob and its <c>top_logprobs</c> alternatives (empty when none were asked).</summary>
internal sealed record ChatTokenLogprob(string Token, float Logprob, IReadOnlyList<byte>? Bytes, IReadOnlyList<ChatTopLogprob> TopLogprobs);
