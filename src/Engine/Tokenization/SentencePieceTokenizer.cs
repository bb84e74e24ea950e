using System.Buffers;
using System.Text;
using Serving.Engine.Gguf;

namespace Serving.Engine.Tokenization;

/// <summary>llama.cpp's SentencePiece-style BPE (<c>tokenizer.ggml.model = llama</c>): score-ordered merges over code points,
/// spaces escaped as <c>▁</c>, a dummy-prefix space, and byte fallback (<c>&lt;0xXX&gt;</c>) for pieces not in the vocabulary.</summary>
internal sealed class SentencePieceTokenizer : Tokenizer, IPairRanker
{
    private const char SpaceEscape = '\u2581';

    /// <summary>The token for each byte value (the byte-fallback table).</summary>
    private readonly int[] _byteTokens;

    private SentencePieceTokenizer(Vocabulary vocabulary)
        : base(vocabulary, BuildPieces(vocabulary, text => Encoding.UTF8.GetBytes(text.Replace(SpaceEscape, ' '))), cleanSpaces: false)
    {
        _byteTokens = [.. Enumerable.Range(0, 256).Select(b => FindByteToken(vocabulary, (byte)b))];
    }

    public static SentencePieceTokenizer Create(GgufFile file) =>
        new(new Vocabulary(file, new VocabularyDefaults(BosId: 1, EosId: 2, UnknownId: 0, AddBos: true, AddSpacePrefix: true)));

    public bool TryRank(ReadOnlySpan<char> pair, int leftLength, out float priority)
    {
        var id = Vocabulary.Find(pair);
        priority = id >= 0 ? -Vocabulary.Scores[id] : 0;
        return id >= 0;
    }

    private protected override void EncodeText(ReadOnlySpan<char> text, bool followsSpecial, SymbolMerger merger, List<int> output)
    {
        var prefix = followsSpecial && Vocabulary.AddSpacePrefix ? 1 : 0;
        var buffer = ArrayPool<char>.Shared.Rent(text.Length + prefix);
        try
        {
            var escaped = buffer.AsSpan(0, text.Length + prefix);
            if (prefix == 1)
            {
                escaped[0] = SpaceEscape;
            }

            text.Replace(escaped[prefix..], ' ', SpaceEscape);

            var symbols = new List<(int Start, int Length)>();
            merger.Merge(escaped, this, symbols);
            Span<byte> utf8 = stackalloc byte[8];
            foreach (var (start, length) in symbols)
            {
                var piece = escaped.Slice(start, length);
                var id = Vocabulary.Find(piece);
                if (id >= 0)
                {
                    output.Add(id);
                    continue;
                }

                // NOTE: only unmerged single code points get here (every merge forms a vocabulary piece), so llama.cpp's
                // rev_merge re-segmentation never applies; the code point falls back to its UTF-8 bytes.
                var count = Encoding.UTF8.GetBytes(piece, utf8);
                foreach (var b in utf8[..count])
                {
                    if (_byteTokens[b] >= 0)
                    {
                        output.Add(_byteTokens[b]);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary><c>&lt;0xXX&gt;</c>, else the byte as a one-character token, else UNK (SentencePiece without byte fallback).</summary>
    private static int FindByteToken(Vocabulary vocabulary, byte b)
    {
        var id = vocabulary.Find($"<0x{b:X2}>");
        if (id < 0 && b < 0x80)
        {
            id = vocabulary.Find([(char)b]);
        }

        return id >= 0 ? id : vocabulary.UnknownId;
    }
}
