namespace Serving.Scheduler.Scheduling;

/// <summary>What a single request may span, fixed at startup; checked on the caller's thread before a request is queued
/// so one that could never finish is rejected up front (400) instead of waiting forever.</summary>
internal sealed class RequestLimits(int maxModelLen, int blockSize, int numBlocks)
{
    /// <summary>Returns null when <paramref name="numPromptTokens"/> + <paramref name="maxTokens"/> fits, else why not.</summary>
    public string? Check(int numPromptTokens, int maxTokens)
    {
        if (numPromptTokens < 1)
        {
            return "The prompt must contain at least one token.";
        }

        var numTokens = (long)numPromptTokens + maxTokens;
        if (maxModelLen > 0 && numTokens > maxModelLen)
        {
            return $"This model's maximum context length is {maxModelLen} tokens. However, you requested {numTokens} tokens ({numPromptTokens} in the messages, {maxTokens} in the completion). Please reduce the length of the messages or completion.";
        }

        // NOTE: the last generated token is never fed back, so the cache holds at most numTokens - 1 entries.
        var numBlocksNeeded = (numTokens - 1 + blockSize - 1) / blockSize;
        if (numBlocksNeeded > numBlocks)
        {
            return $"The request needs {numTokens} tokens ({numPromptTokens} prompt + {maxTokens} max_tokens) but the KV cache holds only {(long)numBlocks * blockSize} tokens. Please reduce the length of the messages or completion.";
        }

        return null;
    }
}
