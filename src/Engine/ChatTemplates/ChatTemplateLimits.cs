namespace Serving.Engine.ChatTemplates;

/// <summary>Bounds one render so a hostile or buggy template fails with <see cref="ChatTemplateException"/> instead of hanging or exhausting memory.</summary>
public sealed record ChatTemplateLimits
{
    /// <summary>The defaults: far above what real chat templates need for long conversations.</summary>
    public static ChatTemplateLimits Default { get; } = new();

    /// <summary>Longest string a render may produce or build (characters, UTF-16 code units).</summary>
    public int MaxOutputChars { get; init; } = 16 * 1024 * 1024;

    /// <summary>Total loop iterations plus macro calls in one render.</summary>
    public int MaxSteps { get; init; } = 1_000_000;

    /// <summary>Deepest macro-call nesting (recursive macros) and deepest nested value printed or serialized.</summary>
    public int MaxDepth { get; init; } = 128;
}
