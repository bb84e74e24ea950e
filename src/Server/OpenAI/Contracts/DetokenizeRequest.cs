namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body of <c>POST /detokenize</c> (vLLM and llama.cpp agree on <c>tokens</c>).</summary>
internal sealed record DetokenizeRequest
{
    public string? Model { get; init; }

    public IReadOnlyList<int>? Tokens { get; init; }
}
