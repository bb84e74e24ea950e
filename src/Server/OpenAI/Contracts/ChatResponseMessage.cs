namespace Serving.Server.OpenAI.Contracts;

/// <summary>The assistant message of a chat choice.</summary>
internal sealed record ChatResponseMessage(string Role, string Content);
