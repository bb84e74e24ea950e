using Serving.Engine.Gguf;

namespace Serving.Engine.ChatTemplates;

/// <summary>A model's chat template and special tokens, read from its GGUF metadata (<c>tokenizer.chat_template</c>,
/// <c>tokenizer.ggml.*_token_id</c>), with a ChatML template when the file carries none.</summary>
public sealed class ModelChatTemplate
{
    /// <summary>The template used when a model has no <c>tokenizer.chat_template</c>: transformers' old default ChatML.</summary>
    public const string ChatMLSource =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private static readonly (string Key, string Variable)[] SpecialTokenKeys =
    [
        ("tokenizer.ggml.bos_token_id", "bos_token"),
        ("tokenizer.ggml.eos_token_id", "eos_token"),
        ("tokenizer.ggml.unknown_token_id", "unk_token"),
        ("tokenizer.ggml.padding_token_id", "pad_token"),
        ("tokenizer.ggml.seperator_token_id", "sep_token"),
        ("tokenizer.ggml.cls_token_id", "cls_token"),
        ("tokenizer.ggml.mask_token_id", "mask_token"),
    ];

    private ModelChatTemplate(ChatTemplate template, bool isFallback, IReadOnlyDictionary<string, string> specialTokens)
    {
        Template = template;
        IsFallback = isFallback;
        SpecialTokens = specialTokens;
    }

    public ChatTemplate Template { get; }

    /// <summary>True when the model had no template and <see cref="ChatMLSource"/> is used (the server logs this).</summary>
    public bool IsFallback { get; }

    /// <summary>Special-token strings by template variable name (<c>bos_token</c>, <c>eos_token</c>, ...), for <see cref="ChatTemplateContext.SpecialTokens"/>.</summary>
    public IReadOnlyDictionary<string, string> SpecialTokens { get; }

    /// <summary>Reads and parses the template of <paramref name="file"/>; <paramref name="name"/> picks a named variant
    /// (<c>tokenizer.chat_template.tool_use</c>). A template that does not parse throws <see cref="ChatTemplateException"/>.</summary>
    public static ModelChatTemplate FromGguf(GgufFile file, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var key = name is null ? "tokenizer.chat_template" : "tokenizer.chat_template." + name;
        var source = file.Get<string>(key);
        var tokens = file.Get<string[]>("tokenizer.ggml.tokens") ?? [];
        var specialTokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tokenKey, variable) in SpecialTokenKeys)
        {
            var id = file.Get(tokenKey, -1L);
            if (id >= 0 && id < tokens.Length)
            {
                specialTokens[variable] = tokens[id];
            }
        }

        return new ModelChatTemplate(ChatTemplate.Parse(source ?? ChatMLSource), source is null, specialTokens);
    }
}
