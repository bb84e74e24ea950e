using Serving.Engine.Tokenization;

namespace Serving.Scheduler;

/// <summary>The Engine tokenizer's streaming detokenizer behind <see cref="IIncrementalDetokenizer"/>, primed with the prompt
/// so the first token's leading space comes out right.</summary>
public sealed class TokenizerDetokenizer(IncrementalDetokenizer inner) : IIncrementalDetokenizer
{
    /// <summary>For <see cref="EngineRequest.CreateDetokenizer"/>: a fresh detokenizer per choice.</summary>
    public static Func<IIncrementalDetokenizer> Factory(Tokenizer tokenizer, int[] promptTokenIds, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return () => new TokenizerDetokenizer(tokenizer.CreateDetokenizer(skipSpecialTokens, promptTokenIds));
    }

    public string Decode(int tokenId) => inner.Add(tokenId);

    public string Flush() => inner.Flush();
}
