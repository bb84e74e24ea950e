namespace Serving.Server.OpenAI.Contracts;

/// <summary>One choice of a non-streamed chat completion.</summary>
internal sealed record ChatChoice(int Index, ChatResponseMessage Message, ChatLogprobs? Logprobs, string? FinishReason);
