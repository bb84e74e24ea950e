using System.Text;
using Serving.Engine.Gguf;

namespace Serving.Engine.Tokenization;

/// <summary>The token table of a GGUF tokenizer with llama.cpp's load-time rules applied (<c>llama_vocab::impl::load</c>):
/// special ids, attribute promotion by token text, the end-of-generation set, and the special tokens in the order that
/// text splitting tries them.</summary>
internal sealed class Vocabulary
{
    private const string Prefix = "tokenizer.ggml.";

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _ids;
    private readonly HashSet<int> _endOfGeneration;

    public Vocabulary(GgufFile file, VocabularyDefaults defaults)
    {
        Texts = file.Get<string[]>(Prefix + "tokens") ?? throw new GgufFormatException("missing tokenizer.ggml.tokens");
        var count = Texts.Length;
        Scores = ReadScores(file, count);
        Attributes = ReadAttributes(file, count);

        var ids = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            // NOTE: llama.cpp renames empty tokens so that no special-token search can match the empty string.
            if (Texts[i].Length == 0)
            {
                Texts[i] = $"[EMPTY_{i}]";
            }

            ids[Texts[i]] = i;
        }

        _ids = ids.GetAlternateLookup<ReadOnlySpan<char>>();

        BosId = ReadId(file, "bos_token_id", defaults.BosId);
        EosId = ReadId(file, "eos_token_id", defaults.EosId);
        UnknownId = ReadId(file, "unknown_token_id", defaults.UnknownId);
        AddBos = file.Get(Prefix + "add_bos_token", defaults.AddBos);
        AddEos = file.Get(Prefix + "add_eos_token", false);
        AddSpacePrefix = file.Get(Prefix + "add_space_prefix", defaults.AddSpacePrefix);

        _endOfGeneration = PromoteByName(file);
        EndOfGenerationIds = [.. _endOfGeneration.Order()];
        SpecialTokensLongestFirst = OrderSpecialTokens();
    }

    public int Count => Texts.Length;

    /// <summary>Token strings as stored (SentencePiece pieces with <c>▁</c>, or GPT-2 byte-mapped strings).</summary>
    public string[] Texts { get; }

    public float[] Scores { get; }

    public TokenAttributes[] Attributes { get; }

    /// <summary>-1 when the vocabulary has none (the same for the other ids).</summary>
    public int BosId { get; }

    public int EosId { get; }

    public int UnknownId { get; }

    public bool AddBos { get; }

    public bool AddEos { get; }

    public bool AddSpacePrefix { get; }

    /// <summary>Tokens that end generation (llama.cpp's <c>special_eog_ids</c>), ascending.</summary>
    public int[] EndOfGenerationIds { get; }

    /// <summary>CONTROL, USER_DEFINED and UNKNOWN tokens, longest UTF-8 text first (ties by id), as
    /// <c>tokenizer_st_partition</c> tries them.</summary>
    public int[] SpecialTokensLongestFirst { get; }

    /// <summary>The id whose text is exactly <paramref name="text"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> text) => _ids.TryGetValue(text, out var id) ? id : -1;

    public bool IsEndOfGeneration(int id) => _endOfGeneration.Contains(id);

    private static float[] ReadScores(GgufFile file, int count)
    {
        var scores = file.Metadata.GetValueOrDefault(Prefix + "scores") switch
        {
            null => new float[count],
            GgufArray { Values: float[] f } => f,
            GgufArray { Values: int[] n } => [.. n.Select(v => (float)v)],
            _ => throw new GgufFormatException("tokenizer.ggml.scores must be an array of float32 or int32"),
        };
        return scores.Length >= count ? scores : throw new GgufFormatException($"tokenizer.ggml.scores has {scores.Length} entries for {count} tokens");
    }

    private static TokenAttributes[] ReadAttributes(GgufFile file, int count)
    {
        var attributes = new TokenAttributes[count];
        var types = file.Get<int[]>(Prefix + "token_type");
        if (types is not null && types.Length < count)
        {
            throw new GgufFormatException($"tokenizer.ggml.token_type has {types.Length} entries for {count} tokens");
        }

        for (var i = 0; i < count; i++)
        {
            attributes[i] = types is null ? TokenAttributes.Normal : (GgufTokenType)types[i] switch
            {
                GgufTokenType.Normal => TokenAttributes.Normal,
                GgufTokenType.Unknown => TokenAttributes.Unknown,
                GgufTokenType.Control => TokenAttributes.Control,
                GgufTokenType.UserDefined => TokenAttributes.UserDefined,
                GgufTokenType.Unused => TokenAttributes.Unused,
                GgufTokenType.Byte => TokenAttributes.Byte,
                _ => TokenAttributes.None,
            };
        }

        return attributes;
    }

    /// <summary>A special-token id from metadata; an absent or out-of-range value keeps the default (itself dropped when out of range).</summary>
    private int ReadId(GgufFile file, string key, int defaultId)
    {
        var id = defaultId >= 0 && defaultId < Count ? defaultId : -1;
        if (file.Metadata.ContainsKey(Prefix + key))
        {
            var value = file.Get<long>(Prefix + key);
            if (value >= 0 && value < Count)
            {
                id = (int)value;
            }
        }

        return id;
    }

    /// <summary>Finds EOT/EOM/FIM tokens by text, marks them CONTROL, and returns the end-of-generation set.</summary>
    private HashSet<int> PromoteByName(GgufFile file)
    {
        var endOfTurn = ReadId(file, "eot_token_id", -1);
        var endOfMessage = ReadId(file, "eom_token_id", -1);
        var fimPrefix = ReadId(file, "prefix_token_id", ReadId(file, "fim_pre_token_id", -1));
        var fimSuffix = ReadId(file, "suffix_token_id", ReadId(file, "fim_suf_token_id", -1));
        var fimMiddle = ReadId(file, "middle_token_id", ReadId(file, "fim_mid_token_id", -1));
        var fimPad = ReadId(file, "fim_pad_token_id", -1);
        var fimRepository = ReadId(file, "fim_rep_token_id", -1);
        var fimSeparator = ReadId(file, "fim_sep_token_id", -1);

        for (var id = 0; id < Count; id++)
        {
            // NOTE: llama.cpp walks an unordered map here, so with several candidates its pick is arbitrary; we take the lowest id.
            PromoteFirst(ref endOfTurn, id, SpecialTokenNames.EndOfTurn);
            PromoteFirst(ref endOfMessage, id, SpecialTokenNames.EndOfMessage);
            PromoteFirst(ref fimPrefix, id, SpecialTokenNames.FimPrefix);
            PromoteFirst(ref fimSuffix, id, SpecialTokenNames.FimSuffix);
            PromoteFirst(ref fimMiddle, id, SpecialTokenNames.FimMiddle);
            PromoteFirst(ref fimPad, id, SpecialTokenNames.FimPad);
            PromoteFirst(ref fimRepository, id, SpecialTokenNames.FimRepository);
            PromoteFirst(ref fimSeparator, id, SpecialTokenNames.FimSeparator);
        }

        var endOfGeneration = new HashSet<int>();
        for (var id = 0; id < Count; id++)
        {
            if (SpecialTokenNames.EndOfGeneration.Contains(Texts[id]))
            {
                endOfGeneration.Add(id);
                Attributes[id] |= TokenAttributes.Control;
            }
        }

        foreach (var id in (ReadOnlySpan<int>)[fimPad, fimRepository, fimSeparator, EosId, endOfTurn, endOfMessage])
        {
            if (id >= 0)
            {
                endOfGeneration.Add(id);
            }
        }

        return endOfGeneration;
    }

    private void PromoteFirst(ref int slot, int id, HashSet<string> names)
    {
        if (slot < 0 && names.Contains(Texts[id]))
        {
            slot = id;
            Attributes[id] |= TokenAttributes.Control;
        }
    }

    private int[] OrderSpecialTokens()
    {
        const TokenAttributes special = TokenAttributes.Control | TokenAttributes.UserDefined | TokenAttributes.Unknown;
        return
        [
            .. Enumerable.Range(0, Count)
                .Where(id => (Attributes[id] & special) != 0)
                .OrderByDescending(id => Encoding.UTF8.GetByteCount(Texts[id]))
                .ThenBy(id => id),
        ];
    }
}
