namespace Serving.Server.OpenAI.Contracts;

/// <summary>Token counts of one request, summed over its choices' completions; the prompt is counted once per prompt.</summary>
internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static Usage Of(int promptTokens, int completionTokens) => new(promptTokens, completionTokens, promptTokens + completionTokens);
}
