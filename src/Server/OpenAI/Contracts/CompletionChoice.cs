namespace Serving.Server.OpenAI.Contracts;

/// <summary>One choice of a text completion; <c>finish_reason</c> is null until the choice's last chunk.</summary>
internal sealed record CompletionChoice(int Index, string Text, CompletionLogprobs? Logprobs, string? FinishReason);
