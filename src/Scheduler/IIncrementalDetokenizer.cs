namespace Serving.Scheduler;

/// <summary>Turns one request's generated token ids into text, one token at a time (the Engine tokenizer's incremental
/// detokenizer, adapted by the server). Not thread-safe: used by one request's output stream.</summary>
public interface IIncrementalDetokenizer
{
    /// <summary>Text that <paramref name="tokenId"/> completes; may be empty while a multi-byte character is incomplete.</summary>
    string Decode(int tokenId);

    /// <summary>Whatever is still held back when the request ends.</summary>
    string Flush();
}
