namespace Serving.Server.OpenAI.Contracts;

/// <summary>One alternative token at a position of <see cref="ChatTokenLogprob"/>.</summary>
internal sealed record ChatTopLogprob(string Token, float Logprob, IReadOnlyList<byte>? Bytes);
