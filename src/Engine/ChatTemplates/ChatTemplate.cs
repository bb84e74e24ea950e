namespace Serving.Engine.ChatTemplates;

/// <summary>A parsed Jinja chat template (the text of <c>tokenizer.chat_template</c>), rendered the way
/// <c>transformers.apply_chat_template</c> renders it. Parse once per model; <see cref="Render"/> is thread-safe.</summary>
public sealed class ChatTemplate
{
    private readonly IReadOnlyList<Stmt> _body;

    private ChatTemplate(string source, IReadOnlyList<Stmt> body)
    {
        Source = source;
        _body = body;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; a syntax error, unknown tag, filter or test throws <see cref="ChatTemplateException"/>.</summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(source, Parser.Parse(source));
    }

    /// <summary>Renders the prompt text. Template errors, <c>raise_exception(msg)</c> and exceeded
    /// <paramref name="limits"/> (default <see cref="ChatTemplateLimits.Default"/>) throw <see cref="ChatTemplateException"/>.</summary>
    public string Render(ChatTemplateContext context, ChatTemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Evaluator.Render(_body, context.ToVariables(), context.Now, limits ?? ChatTemplateLimits.Default);
    }
}
