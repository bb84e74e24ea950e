namespace Serving.Server.OpenAI.Contracts;

/// <summary>Body returned by <c>POST /detokenize</c>: the text under vLLM's name (<c>prompt</c>) and llama.cpp's (<c>content</c>).</summary>
internal sealed record DetokenizeResponse(string Prompt)
{
    public string Content => Prompt;
}
