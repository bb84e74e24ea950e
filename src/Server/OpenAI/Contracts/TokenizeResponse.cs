namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body returned by <c>POST /tokenize</c> (vLLM's shape; llama.cpp clients read <c>tokens</c>).</summary>
internal sealed record TokenizeResponse(int Count, int MaxModelLen, IReadOnlyList<int> Tokens);
