using System.Buffers;
using System.Text;
using Serving.Engine.Gguf;

namespace Serving.Engine.Tokenization;

/// <summary>llama.cpp's byte-level BPE (<c>tokenizer.ggml.model = gpt2</c>): regex pre-tokenization chosen by
/// <c>tokenizer.ggml.pre</c>, GPT-2 byte mapping, and rank-ordered merges from <c>tokenizer.ggml.merges</c>.</summary>
internal sealed class BpeTokenizer : Tokenizer, IPairRanker
{
    /// <summary>Merge rank by its line <c>"left right"</c>. Byte-mapped symbols never contain a space, so the line is an exact key.</summary>
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _ranks;
    private readonly PreTokenizer _preTokenizer;
    private readonly bool _ignoreMerges;

    private BpeTokenizer(Vocabulary vocabulary, PreTokenizerSpec spec, Dictionary<string, int> ranks)
        : base(vocabulary, BuildPieces(vocabulary, DecodeByteLevel), spec.CleanSpaces)
    {
        _ranks = ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        _preTokenizer = new PreTokenizer(spec.Patterns);
        _ignoreMerges = spec.IgnoreMerges;
    }

    public static BpeTokenizer Create(GgufFile file)
    {
        var name = file.Get<string>("tokenizer.ggml.pre");
        var spec = PreTokenizerTable.Find(name)
            ?? throw new NotSupportedException($"BPE pre-tokenizer '{name}' is not supported (supported: {string.Join(", ", PreTokenizerTable.Names)})");
        var merges = file.Get<string[]>("tokenizer.ggml.merges") ?? throw new GgufFormatException("missing tokenizer.ggml.merges");
        var ranks = new Dictionary<string, int>(merges.Length, StringComparer.Ordinal);
        for (var i = 0; i < merges.Length; i++)
        {
            // NOTE: llama.cpp splits at the first space after position 0 and keeps the first rank of a repeated pair.
            if (merges[i].Length > 1 && merges[i].IndexOf(' ', 1) > 0)
            {
                ranks.TryAdd(merges[i], i);
            }
        }

        var vocabulary = new Vocabulary(file, new VocabularyDefaults(BosId: 11, EosId: 11, UnknownId: -1, spec.AddBos, AddSpacePrefix: false));
        return new BpeTokenizer(vocabulary, spec, ranks);
    }

    public bool TryRank(ReadOnlySpan<char> pair, int leftLength, out float priority)
    {
        var keyLength = pair.Length + 1;
        var rented = keyLength > 256 ? ArrayPool<char>.Shared.Rent(keyLength) : null;
        var key = rented is null ? stackalloc char[keyLength] : rented.AsSpan(0, keyLength);
        pair[..leftLength].CopyTo(key);
        key[leftLength] = ' ';
        pair[leftLength..].CopyTo(key[(leftLength + 1)..]);
        var found = _ranks.TryGetValue(key, out var rank);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        // Exact: ranks stay far below 2^24.
        priority = rank;
        return found;
    }

    private protected override void EncodeText(ReadOnlySpan<char> text, bool followsSpecial, SymbolMerger merger, List<int> output)
    {
        var words = new List<(int Start, int Length)>();
        _preTokenizer.Split(text, words);
        var symbols = new List<(int Start, int Length)>();
        foreach (var (start, length) in words)
        {
            var word = text.Slice(start, length);
            var byteCount = Encoding.UTF8.GetByteCount(word);
            var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
            var mapped = ArrayPool<char>.Shared.Rent(byteCount);
            try
            {
                Encoding.UTF8.GetBytes(word, bytes);
                for (var i = 0; i < byteCount; i++)
                {
                    mapped[i] = ByteLevelEncoding.Encode(bytes[i]);
                }

                symbols.Clear();
                EncodeWord(mapped.AsSpan(0, byteCount), merger, symbols, output);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(mapped);
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, SymbolMerger merger, List<(int Start, int Length)> symbols, List<int> output)
    {
        var whole = _ignoreMerges ? Vocabulary.Find(word) : -1;
        if (whole >= 0)
        {
            output.Add(whole);
            return;
        }

        merger.Merge(word, this, symbols);
        foreach (var (start, length) in symbols)
        {
            var symbol = word.Slice(start, length);
            var id = Vocabulary.Find(symbol);
            if (id >= 0)
            {
                output.Add(id);
                continue;
            }

            // NOTE: llama.cpp then looks up each UTF-8 byte of the mapped text as a one-byte token; only ASCII can match.
            foreach (var c in symbol)
            {
                var byteId = c < 0x80 ? Vocabulary.Find([c]) : -1;
                if (byteId >= 0)
                {
                    output.Add(byteId);
                }
            }
        }
    }

    /// <summary>Maps a byte-level token string back to bytes (llama.cpp's <c>llama_decode_text</c>, unmapped characters included).</summary>
    private static byte[] DecodeByteLevel(string text)
    {
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsBmp && ByteLevelEncoding.TryDecode((char)rune.Value, out var b))
            {
                bytes.Add(b);
                continue;
            }

            var count = rune.EncodeToUtf8(utf8);
            var hex = Convert.ToHexStringLower(utf8[..count]);
            bytes.AddRange(Encoding.UTF8.GetBytes($"[UNK_BYTE_0x{hex}{text}]"));
        }

        return [.. bytes];
    }
}
