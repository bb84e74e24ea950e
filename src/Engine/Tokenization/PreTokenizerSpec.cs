namespace Serving.Engine.Tokenization;

/// <summary>How a byte-level BPE vocabulary pre-tokenizes and post-processes, by <c>tokenizer.ggml.pre</c>.</summary>
/// <param name="Patterns">Split regexes, applied in turn (llama.cpp's <c>regex_exprs</c>).</param>
/// <param name="IgnoreMerges">A word that is itself a vocabulary entry is emitted whole, without merging (Llama 3).</param>
/// <param name="CleanSpaces">Apply <c>clean_up_tokenization_spaces</c> after detokenization.</param>
/// <param name="AddBos">Default for <c>add_bos_token</c> when the file does not set it.</param>
internal sealed record PreTokenizerSpec(string[] Patterns, bool IgnoreMerges = false, bool CleanSpaces = true, bool AddBos = false);
