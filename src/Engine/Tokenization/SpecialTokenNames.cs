namespace Serving.Engine.Tokenization;

/// <summary>Token texts that llama.cpp recognises at load time and promotes to CONTROL (and, for some, end-of-generation).</summary>
/// <remarks>NOTE: converters do not always mark these tokens in <c>tokenizer.ggml.token_type</c> (Qwen's plain-BPE <c>&lt;/s&gt;</c>,
/// for one), so llama.cpp finds them by text; we must do the same or special-token parsing and stop tokens differ.
/// See https://github.com/ggml-org/llama.cpp/issues/9606.</remarks>
internal static class SpecialTokenNames
{
    /// <summary>End-of-turn names; the first one found becomes the EOT token when no <c>eot_token_id</c> key is set.</summary>
    public static readonly HashSet<string> EndOfTurn = new(StringComparer.Ordinal)
    {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]",
        "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    };

    public static readonly HashSet<string> EndOfMessage = new(StringComparer.Ordinal) { "<|eom_id|>" };

    public static readonly HashSet<string> FimPrefix = new(StringComparer.Ordinal)
    {
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>",
    };

    public static readonly HashSet<string> FimSuffix = new(StringComparer.Ordinal)
    {
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>",
    };

    public static readonly HashSet<string> FimMiddle = new(StringComparer.Ordinal)
    {
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>",
    };

    public static readonly HashSet<string> FimPad = new(StringComparer.Ordinal) { "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]" };

    public static readonly HashSet<string> FimRepository = new(StringComparer.Ordinal)
    {
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
    };

    public static readonly HashSet<string> FimSeparator = new(StringComparer.Ordinal) { "<|file_sep|>" };

    /// <summary>Every token with one of these texts ends generation.</summary>
    public static readonly HashSet<string> EndOfGeneration = new(StringComparer.Ordinal)
    {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>",
        "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
        "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    };
}
