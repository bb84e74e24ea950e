namespace Serving.Engine.ChatTemplates;

/// <summary>One lexer token; <see cref="Value"/> is the text, the unescaped string literal, the name or the operator.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Line)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public override string ToString() => Kind switch
    {
        TokenKind.End => "end of template",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.String => "string",
        TokenKind.Text => "template text",
        _ => $"'{Value}'",
    };
}
