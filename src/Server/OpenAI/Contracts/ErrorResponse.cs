namespace Serving.Server.OpenAI.Contracts;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed record ErrorResponse(ErrorBody Error);
