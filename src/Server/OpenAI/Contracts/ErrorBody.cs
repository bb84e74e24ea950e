namespace Serving.Server.OpenAI.Contracts;

/// <summary>The inside of <see cref="ErrorResponse"/>; <c>param</c> and <c>code</c> are written as null when absent.</summary>
internal sealed record ErrorBody(string Message, string Type, string? Param, string? Code);
