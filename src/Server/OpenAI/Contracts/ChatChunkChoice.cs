namespace Serving.Server.OpenAI.Contracts;

/// <summary>One choice's delta inside a <see cref="ChatCompletionChunk"/>.</summary>
internal sealed record ChatChunkChoice(int Index, ChatDelta Delta, ChatLogprobs? Logprobs, string? FinishReason);
