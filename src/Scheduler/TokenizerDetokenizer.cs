using Serving.Engine.Tokenization;

namespace Serving.Scheduler;

/// <summary>The Engine tokenizer's streaming detokenizer behind <see cref="IIncrementalDetokenizer"/>; create one per
/// request with <see cref="Create"/> (primed with the prompt so the first token's leading space comes out right).</summary>
public sealed class TokenizerDetokenizer(IncrementalDetokenizer inner) : IIncrementalDetokenizer
{
    public static TokenizerDetokenizer Create(Tokenizer tokenizer, ReadOnlySpan<int> promptTokenIds, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new TokenizerDetokenizer(tokenizer.CreateDetokenizer(skipSpecialTokens, promptTokenIds));
    }

    public string Decode(int tokenId) => inner.Add(tokenId);

    public string Flush() => inner.Flush();
}
