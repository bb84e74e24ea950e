using System.Buffers;
using System.Globalization;
using System.Text;
using Serving.Engine.Gguf;

namespace Serving.Engine.Tokenization;

/// <summary>Text to token ids and back for a GGUF model, reproducing llama.cpp exactly: SentencePiece (<c>llama</c>) and
/// byte-level BPE (<c>gpt2</c>) vocabularies.</summary>
/// <remarks>Immutable and thread-safe; per-sequence streaming state lives in <see cref="IncrementalDetokenizer"/>.</remarks>
public abstract class Tokenizer
{
    private readonly byte[][] _pieces;
    private readonly int[] _eosIds;

    private protected Tokenizer(Vocabulary vocabulary, byte[][] pieces, bool cleanSpaces)
    {
        Vocabulary = vocabulary;
        _pieces = pieces;
        CleanSpaces = cleanSpaces;
        _eosIds = [.. vocabulary.EndOfGenerationIds.OrderBy(id => id == vocabulary.EosId ? -1 : id)];
    }

    /// <summary>Number of token ids (the model's vocabulary size).</summary>
    public int VocabSize => Vocabulary.Count;

    /// <summary>Beginning-of-sequence token, or -1 if the vocabulary has none.</summary>
    public int BosId => Vocabulary.BosId;

    /// <summary>End-of-sequence token, or -1 if the vocabulary has none.</summary>
    public int EosId => Vocabulary.EosId;

    /// <summary>Every token that ends generation: EOS first, then end-of-turn and similar tokens (<c>&lt;|eot_id|&gt;</c>,
    /// <c>&lt;|im_end|&gt;</c>, ...) ascending, as llama.cpp's <c>llama_vocab_is_eog</c>.</summary>
    public IReadOnlyList<int> EosIds => _eosIds;

    /// <summary>Whether <see cref="Encode"/> with <c>addSpecial</c> prepends BOS (the model's <c>add_bos_token</c>).</summary>
    public bool AddBos => Vocabulary.AddBos;

    internal Vocabulary Vocabulary { get; }

    /// <summary>Llama 3's <c>clean_up_tokenization_spaces</c> after detokenization.</summary>
    internal bool CleanSpaces { get; }

    /// <summary>Builds the tokenizer described by a GGUF file's <c>tokenizer.ggml.*</c> metadata.</summary>
    /// <exception cref="NotSupportedException">The tokenizer model or BPE pre-tokenizer is not one we implement.</exception>
    public static Tokenizer FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var model = file.Get<string>("tokenizer.ggml.model") ?? throw new NotSupportedException("the GGUF file has no tokenizer.ggml.model");
        return model switch
        {
            "llama" => SentencePieceTokenizer.Create(file),
            "gpt2" => BpeTokenizer.Create(file),
            _ => throw new NotSupportedException($"tokenizer model '{model}' is not supported (supported: 'llama' SentencePiece, 'gpt2' byte-level BPE)"),
        };
    }

    /// <summary>Tokenizes <paramref name="text"/> as <c>llama_tokenize</c> does.</summary>
    /// <param name="text">Input text.</param>
    /// <param name="addSpecial">Add BOS (and EOS) as the model's metadata asks.</param>
    /// <param name="parseSpecial">Turn CONTROL token strings in the text (<c>&lt;|im_start|&gt;</c>) into their ids; USER_DEFINED
    /// tokens are always matched.</param>
    public int[] Encode(string text, bool addSpecial, bool parseSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>();
        if (addSpecial && AddBos)
        {
            output.Add(BosId >= 0 ? BosId : throw new InvalidOperationException("add_bos_token is set but the vocabulary has no BOS token"));
        }

        var merger = new SymbolMerger();
        var followsSpecial = true;
        foreach (var fragment in SpecialTokenSplitter.Split(text, Vocabulary, parseSpecial))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.TokenId);
                followsSpecial = true;
            }
            else
            {
                EncodeText(text.AsSpan(fragment.Start, fragment.Length), followsSpecial, merger, output);
                followsSpecial = false;
            }
        }

        if (addSpecial && Vocabulary.AddEos)
        {
            output.Add(EosId >= 0 ? EosId : throw new InvalidOperationException("add_eos_token is set but the vocabulary has no EOS token"));
        }

        return [.. output];
    }

    /// <summary>Turns ids back into text as <c>llama_detokenize</c> does (invalid UTF-8 becomes U+FFFD).</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="removeSpecial">Drop a leading BOS and a trailing EOS when the model adds them.</param>
    /// <param name="unparseSpecial">Render CONTROL and UNKNOWN tokens as their text instead of nothing.</param>
    public string Decode(ReadOnlySpan<int> ids, bool removeSpecial = false, bool unparseSpecial = false)
    {
        var stripSpace = Vocabulary.AddSpacePrefix;
        if (removeSpecial && AddBos && ids.Length > 0 && ids[0] == BosId)
        {
            // NOTE: llama.cpp keeps the first text token's space once BOS is removed, exactly as when BOS is kept.
            stripSpace = false;
            ids = ids[1..];
        }

        if (removeSpecial && Vocabulary.AddEos && ids.Length > 0 && ids[^1] == EosId)
        {
            ids = ids[..^1];
        }

        var bytes = new ArrayBufferWriter<byte>();
        foreach (var id in ids)
        {
            bytes.Write(Piece(id, unparseSpecial, stripSpace));
            stripSpace = false;
        }

        if (CleanSpaces)
        {
            var cleaned = new ArrayBufferWriter<byte>(Math.Max(1, bytes.WrittenCount));
            var cleaner = new SpaceCleaner();
            cleaner.Push(bytes.WrittenSpan, cleaned);
            cleaner.Flush(cleaned);
            bytes = cleaned;
        }

        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    /// <summary>The token's vocabulary string as stored in the model (<c>▁Hello</c>, <c>Ġworld</c>, <c>&lt;0x0A&gt;</c>).</summary>
    public string TokenText(int id) => Vocabulary.Texts[CheckId(id)];

    /// <summary>Whether generating <paramref name="id"/> ends the sequence (one of <see cref="EosIds"/>).</summary>
    public bool IsEndOfGeneration(int id) => Vocabulary.IsEndOfGeneration(id);

    /// <summary>A streaming detokenizer for one sequence: feed generated ids one at a time, get back only complete text.</summary>
    /// <param name="skipSpecialTokens">Render CONTROL tokens as nothing (true, like <see cref="Decode"/>'s default) or as their text.</param>
    /// <param name="promptIds">Ids that precede the streamed ones. Their text is not returned, and the streamed text is the
    /// continuation <c>Decode(prompt + generated)[Decode(prompt).Length..]</c>, so SentencePiece's leading space is kept.</param>
    public IncrementalDetokenizer CreateDetokenizer(bool skipSpecialTokens = true, ReadOnlySpan<int> promptIds = default) =>
        new(this, !skipSpecialTokens, promptIds);

    /// <summary>Bytes a token contributes to detokenized text (llama.cpp's <c>token_to_piece</c>).</summary>
    /// <param name="id">Token id.</param>
    /// <param name="unparseSpecial">Render CONTROL and UNKNOWN tokens as their text.</param>
    /// <param name="stripLeadingSpace">Drop one leading space (the first token of a SentencePiece sequence).</param>
    internal ReadOnlySpan<byte> Piece(int id, bool unparseSpecial, bool stripLeadingSpace)
    {
        if (!unparseSpecial && (Vocabulary.Attributes[CheckId(id)] & (TokenAttributes.Unknown | TokenAttributes.Control)) != 0)
        {
            return [];
        }

        var piece = _pieces[id].AsSpan();
        return stripLeadingSpace && piece.Length > 0 && piece[0] == (byte)' ' ? piece[1..] : piece;
    }

    /// <summary>Encodes one stretch of plain text (no special tokens inside) and appends its ids.</summary>
    /// <param name="text">The stretch.</param>
    /// <param name="followsSpecial">It starts the input or follows a special token (SentencePiece's dummy-prefix rule).</param>
    /// <param name="merger">Scratch for this encode call.</param>
    /// <param name="output">Where ids go.</param>
    private protected abstract void EncodeText(ReadOnlySpan<char> text, bool followsSpecial, SymbolMerger merger, List<int> output);

    /// <summary>Every token's detokenized bytes with special tokens rendered (llama.cpp's <c>cache_token_to_piece</c>).</summary>
    /// <param name="vocabulary">The vocabulary.</param>
    /// <param name="decodeNormal">How a NORMAL token's text becomes bytes (the only part that differs between families).</param>
    private protected static byte[][] BuildPieces(Vocabulary vocabulary, Func<string, byte[]> decodeNormal)
    {
        var pieces = new byte[vocabulary.Count][];
        for (var id = 0; id < pieces.Length; id++)
        {
            pieces[id] = BuildPiece(vocabulary.Texts[id], vocabulary.Attributes[id], decodeNormal);
        }

        return pieces;
    }

    private static byte[] BuildPiece(string text, TokenAttributes attributes, Func<string, byte[]> decodeNormal)
    {
        if ((attributes & (TokenAttributes.Unknown | TokenAttributes.Control | TokenAttributes.UserDefined)) != 0)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if ((attributes & TokenAttributes.Normal) != 0)
        {
            return decodeNormal(text);
        }

        if ((attributes & TokenAttributes.Byte) != 0 && text.Length >= 5
            && byte.TryParse(text.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return [value];
        }

        // UNUSED and UNDEFINED tokens render as nothing, even with special tokens unparsed.
        return [];
    }

    private int CheckId(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Vocabulary.Count);
        return id;
    }
}
