namespace Serving.Engine.ChatTemplates;

/// <summary>What a lexer token is: template text, a tag delimiter, or a piece of an expression.</summary>
internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}
