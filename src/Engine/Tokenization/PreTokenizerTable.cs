namespace Serving.Engine.Tokenization;

/// <summary>The pre-tokenizers we support, by <c>tokenizer.ggml.pre</c> name, as llama.cpp's <c>llama_vocab::impl::load</c> and
/// <c>llm_tokenizer_bpe</c> define them. Adding a model family is one entry here.</summary>
/// <remarks>Patterns are llama.cpp's adapted forms: contractions spelled <c>'[sS]</c> so they match ASCII case-insensitively
/// without <c>(?i:)</c>. Families whose regexes need <c>\p{Lu}</c>-style categories or astral character ranges
/// (gpt-4o, tekken, deepseek-llm, ...) are absent rather than approximated.</remarks>
internal static class PreTokenizerTable
{
    private const string Contractions = @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private const string Llama3 = Contractions + @"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Qwen2 = Contractions + @"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)";

    private static readonly PreTokenizerSpec Default = new([@"[\p{P}\$\+<=>\^~\|]+", Gpt2, @"\p{N}+", "[0-9][0-9][0-9]"]);
    private static readonly PreTokenizerSpec Llama3Spec = new([Llama3], IgnoreMerges: true, AddBos: true);
    private static readonly PreTokenizerSpec Qwen2Spec = new([Qwen2], CleanSpaces: false);
    private static readonly PreTokenizerSpec Gpt2Spec = new([Gpt2]);
    private static readonly PreTokenizerSpec StarCoder = new([@"\p{N}", Gpt2]);

    private static readonly Dictionary<string, PreTokenizerSpec> Specs = new(StringComparer.Ordinal)
    {
        ["default"] = Default,
        ["llama3"] = Llama3Spec,
        ["llama-v3"] = Llama3Spec,
        ["llama-bpe"] = Llama3Spec,
        ["falcon3"] = Llama3Spec,
        ["pixtral"] = Llama3Spec,
        ["dbrx"] = new([Llama3]),
        ["smaug-bpe"] = new([Llama3]),
        ["qwen2"] = Qwen2Spec,
        ["deepseek-r1-qwen"] = Qwen2Spec,
        ["stablelm2"] = new([Qwen2]),
        ["megrez"] = new([Qwen2]),
        ["gpt-2"] = Gpt2Spec,
        ["phi-2"] = Gpt2Spec,
        ["mpt"] = Gpt2Spec,
        ["olmo"] = Gpt2Spec,
        ["starcoder"] = StarCoder,
        ["refact"] = StarCoder,
        ["codeshell"] = StarCoder,
        ["smollm"] = StarCoder with { CleanSpaces = false },
        ["command-r"] = StarCoder with { CleanSpaces = false },
        ["falcon"] = new([@"[\p{P}\$\+<=>\^~\|`]+", Gpt2, "[0-9][0-9][0-9]"]),
        ["deepseek-coder"] = new(["[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", "[一-龥ࠀ-一가-퟿]+", @"\p{N}"], CleanSpaces: false),
        ["deepseek-v3"] = new(
            [
                @"\p{N}{1,3}",
                "[一-龥぀-ゟ゠-ヿ]+",
                @"[!""#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
            ],
            CleanSpaces: false),
    };

    /// <summary>All supported names (for tests and error messages).</summary>
    public static IEnumerable<string> Names => Specs.Keys;

    /// <summary>The spec for <paramref name="name"/> (a missing name means <c>default</c>, as in llama.cpp), or null.</summary>
    public static PreTokenizerSpec? Find(string? name) => Specs.GetValueOrDefault(string.IsNullOrEmpty(name) ? "default" : name);
}
