using System.Text.Json.Nodes;

namespace Serving.Engine.ChatTemplates;

/// <summary>The variables a chat template sees, as transformers passes them: <c>messages</c>, <c>tools</c>,
/// <c>add_generation_prompt</c>, the special tokens (<c>bos_token</c>, <c>eos_token</c>, ...) and any extra keyword
/// variables; plus the clock <c>strftime_now</c> reads. A null property leaves that variable undefined.</summary>
public sealed record ChatTemplateContext
{
    /// <summary>The conversation: objects with <c>role</c>, <c>content</c> and optionally <c>tool_calls</c>, <c>tool_call_id</c>...</summary>
    public JsonArray? Messages { get; init; }

    /// <summary>Tool definitions (OpenAI <c>{"type": "function", "function": {...}}</c> objects); null leaves <c>tools</c> undefined.</summary>
    public JsonArray? Tools { get; init; }

    public bool? AddGenerationPrompt { get; init; }

    /// <summary>Special-token strings by variable name (<c>bos_token</c>, <c>eos_token</c>, ...), e.g. <see cref="ModelChatTemplate.SpecialTokens"/>.</summary>
    public IReadOnlyDictionary<string, string> SpecialTokens { get; init; } = new Dictionary<string, string>();

    /// <summary>Further variables (<c>documents</c>, <c>enable_thinking</c>, ...); they override everything above.</summary>
    public IReadOnlyDictionary<string, JsonNode?> ExtraVariables { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>The local wall-clock time <c>strftime_now</c> formats (take it from an injected <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>A context whose variables are exactly the members of <paramref name="variables"/> (the test-vector and CLI form).</summary>
    public static ChatTemplateContext FromVariables(JsonObject variables, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new ChatTemplateContext { Now = now, ExtraVariables = variables.ToDictionary(kv => kv.Key, kv => kv.Value) };
    }

    internal Dictionary<string, object?> ToVariables()
    {
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, token) in SpecialTokens)
        {
            variables[name] = token;
        }

        if (Messages is not null)
        {
            variables["messages"] = JsonValues.FromNode(Messages);
        }

        if (Tools is not null)
        {
            variables["tools"] = JsonValues.FromNode(Tools);
        }

        if (AddGenerationPrompt is { } addGenerationPrompt)
        {
            variables["add_generation_prompt"] = addGenerationPrompt;
        }

        foreach (var (name, value) in ExtraVariables)
        {
            variables[name] = JsonValues.FromNode(value);
        }

        return variables;
    }
}
