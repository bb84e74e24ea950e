namespace Serving.Server.OpenAI.Contracts;

/// <summary>The chat API's logprobs: one entry per generated token.</summary>
internal sealed record ChatLogprobs(IReadOnlyList<ChatTokenLogprob> Content);
