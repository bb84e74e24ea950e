namespace Serving.Engine.Tokenization;

/// <summary>What a tokenizer family assumes when the GGUF file does not say: llama.cpp's per-model-type defaults.</summary>
/// <param name="BosId">Default BOS id (-1 for none).</param>
/// <param name="EosId">Default EOS id (-1 for none).</param>
/// <param name="UnknownId">Default unknown-token id (-1 for none).</param>
/// <param name="AddBos">Whether encoding with special tokens prepends BOS unless <c>tokenizer.ggml.add_bos_token</c> says otherwise.</param>
/// <param name="AddSpacePrefix">Whether a space is prepended before encoding and stripped from the first decoded token, unless
/// <c>tokenizer.ggml.add_space_prefix</c> says otherwise.</param>
internal readonly record struct VocabularyDefaults(int BosId, int EosId, int UnknownId, bool AddBos, bool AddSpacePrefix);
