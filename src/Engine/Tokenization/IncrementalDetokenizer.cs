using System.Buffers;
using System.Text;

namespace Serving.Engine.Tokenization;

/// <summary>Streaming detokenizer for one sequence: fed one token id at a time, it returns only text that is final.</summary>
/// <remarks>
/// Bytes of a character split across tokens (byte-fallback tokens, multi-byte BPE bytes) are held until the character is
/// complete, and so are the few bytes Llama 3's space clean-up still has to decide. The concatenation of every
/// <see cref="Add"/> result and <see cref="Flush"/> equals <see cref="Tokenizer.Decode"/> of all the ids (with
/// <c>unparseSpecial = !skipSpecialTokens</c>). Not thread-safe; create one per sequence with
/// <see cref="Tokenizer.CreateDetokenizer"/>.
/// </remarks>
public sealed class IncrementalDetokenizer
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _unparseSpecial;
    private readonly SpaceCleaner? _cleaner;
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly ArrayBufferWriter<byte> _bytes = new();
    private char[] _chars = new char[64];
    private bool _isFirstToken = true;
    private int _charsToSkip;

    internal IncrementalDetokenizer(Tokenizer tokenizer, bool unparseSpecial, ReadOnlySpan<int> promptIds)
    {
        _tokenizer = tokenizer;
        _unparseSpecial = unparseSpecial;
        _cleaner = tokenizer.CleanSpaces ? new SpaceCleaner() : null;
        if (promptIds.IsEmpty)
        {
            return;
        }

        // NOTE: the continuation is Decode(prompt + generated) minus the first Decode(prompt).Length chars (node-llama-cpp's rule,
        // used by the greedy oracle files). What the prompt still holds back is part of that prefix, so it is skipped later.
        var emitted = 0;
        foreach (var id in promptIds)
        {
            emitted += AddSpan(id).Length;
        }

        _charsToSkip = tokenizer.Decode(promptIds, removeSpecial: false, unparseSpecial).Length - emitted;
    }

    /// <summary>Feeds the next token; returns the text it completes (often empty, never a partial character).</summary>
    public string Add(int tokenId)
    {
        var text = AddSpan(tokenId);
        return text.IsEmpty ? string.Empty : new string(text);
    }

    /// <summary>As <see cref="Add"/> without allocating: the text is a view of an internal buffer, valid until the next call.</summary>
    public ReadOnlySpan<char> AddSpan(int tokenId)
    {
        var piece = _tokenizer.Piece(tokenId, _unparseSpecial, _isFirstToken && _tokenizer.Vocabulary.AddSpacePrefix);
        _isFirstToken = false;
        _bytes.ResetWrittenCount();
        if (_cleaner is null)
        {
            _bytes.Write(piece);
        }
        else
        {
            _cleaner.Push(piece, _bytes);
        }

        return DecodeBytes(flush: false);
    }

    /// <summary>Ends the sequence: returns whatever was held back (an unfinished UTF-8 sequence becomes U+FFFD, as in Decode).</summary>
    public string Flush()
    {
        _bytes.ResetWrittenCount();
        _cleaner?.Flush(_bytes);
        return new string(DecodeBytes(flush: true));
    }

    private ReadOnlySpan<char> DecodeBytes(bool flush)
    {
        var bytes = _bytes.WrittenSpan;
        var count = _utf8.GetCharCount(bytes, flush);
        if (_chars.Length < count)
        {
            _chars = new char[Math.Max(count, _chars.Length * 2)];
        }

        count = _utf8.GetChars(bytes, _chars, flush);
        var skip = Math.Min(_charsToSkip, count);
        _charsToSkip -= skip;
        return _chars.AsSpan(skip, count - skip);
    }
}
