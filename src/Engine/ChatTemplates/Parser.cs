namespace Serving.Engine.ChatTemplates;

/// <summary>Recursive-descent parser for the statement layer (<c>{% %}</c> tags) of Jinja's grammar; expressions are in
/// the other part of this class. Unknown tags, filters and tests are rejected here, at parse time, as Jinja does.</summary>
internal sealed partial class Parser
{
    private const int MaxNesting = 200;

    private readonly List<Token> _tokens;
    private int _index;
    private int _loopDepth;
    private int _nesting;

    private Parser(List<Token> tokens)
    {
        _tokens = tokens;
    }

    public static IReadOnlyList<Stmt> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var (body, end) = parser.ParseBody();
        if (end is not null)
        {
            throw parser.Error($"unexpected '{end}'");
        }

        return body;
    }

    private Token Current => _tokens[_index];

    private Token Next() => _tokens[_index++];

    private Token Peek(int offset = 1) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    /// <summary>Parses statements until an end tag (<c>endfor</c>, <c>else</c>...) or the end of the template; returns
    /// the body and the tag name that stopped it, leaving that tag's own tokens to the caller.</summary>
    private (List<Stmt> Body, string? EndTag) ParseBody()
    {
        var body = new List<Stmt>();
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.End:
                    _index--;
                    return (body, null);
                case TokenKind.Text:
                    body.Add(new Stmt.Text(token.Value));
                    break;
                case TokenKind.VariableBegin:
                    body.Add(new Stmt.Emit(ParseTuple(withCondition: true)));
                    Expect(TokenKind.VariableEnd);
                    break;
                case TokenKind.BlockBegin:
                    var name = Current.Kind == TokenKind.Name ? Current.Value : throw Error($"expected a tag name, got {Current}");
                    if (name is "endfor" or "else" or "elif" or "endif" or "endset" or "endmacro" or "endfilter" or "endgeneration" or "endcall" or "endwith")
                    {
                        Next();
                        return (body, name);
                    }

                    Next();
                    ParseStatement(name, body);
                    break;
                default:
                    throw Error($"unexpected {token}");
            }
        }
    }

    private void ParseStatement(string name, List<Stmt> body)
    {
        Enter();

        switch (name)
        {
            case "if":
                body.Add(ParseIf());
                break;
            case "for":
                body.Add(ParseFor());
                break;
            case "set":
                body.Add(ParseSet());
                break;
            case "macro":
                body.Add(ParseMacro());
                break;
            case "call":
                body.Add(ParseCallBlock());
                break;
            case "with":
                body.Add(ParseWith());
                break;
            case "filter":
                var filters = ParseFilterChain(new Expr.Literal(null));
                Expect(TokenKind.BlockEnd);
                body.Add(new Stmt.FilterBlock(filters, ParseBlockUntil("endfilter")));
                break;
            case "break" or "continue":
                if (_loopDepth == 0)
                {
                    throw Error($"'{name}' outside of a loop");
                }

                Expect(TokenKind.BlockEnd);
                body.Add(name == "break" ? new Stmt.Break() : new Stmt.Continue());
                break;
            case "generation":
                // transformers' {% generation %} marks assistant text for masks; rendering just emits the body.
                Expect(TokenKind.BlockEnd);
                body.AddRange(ParseBlockUntil("endgeneration"));
                break;
            default:
                throw Error($"unknown tag '{name}'");
        }

        _nesting--;
    }

    private Stmt.If ParseIf()
    {
        var branches = new List<KeyValuePair<Expr, IReadOnlyList<Stmt>>>();
        while (true)
        {
            var condition = ParseTuple(withCondition: true);
            Expect(TokenKind.BlockEnd);
            var (body, end) = ParseBody();
            branches.Add(new(condition, body));
            switch (end)
            {
                case "elif":
                    continue;
                case "else":
                    Expect(TokenKind.BlockEnd);
                    var otherwise = ParseBlockUntil("endif");
                    return new Stmt.If(branches, otherwise);
                case "endif":
                    Expect(TokenKind.BlockEnd);
                    return new Stmt.If(branches, []);
                default:
                    throw UnexpectedEnd(end, "endif");
            }
        }
    }

    private Stmt.For ParseFor()
    {
        var target = ParseTarget(allowAttribute: false);
        ExpectName("in");
        var items = ParseTuple(withCondition: false);
        Expr? condition = null;
        if (Current.Is(TokenKind.Name, "if"))
        {
            Next();
            condition = ParseExpression();
        }

        if (Current.Is(TokenKind.Name, "recursive"))
        {
            throw Error("recursive loops are not supported");
        }

        Expect(TokenKind.BlockEnd);
        _loopDepth++;
        var (body, end) = ParseBody();
        _loopDepth--;
        IReadOnlyList<Stmt> otherwise = [];
        if (end == "else")
        {
            Expect(TokenKind.BlockEnd);
            otherwise = ParseBlockUntil("endfor");
        }
        else if (end == "endfor")
        {
            Expect(TokenKind.BlockEnd);
        }
        else
        {
            throw UnexpectedEnd(end, "endfor");
        }

        return new Stmt.For(target, items, condition, body, otherwise);
    }

    private Stmt ParseSet()
    {
        var target = ParseTarget(allowAttribute: true);
        if (Current.Is(TokenKind.Operator, "="))
        {
            Next();
            var value = ParseTuple(withCondition: true);
            Expect(TokenKind.BlockEnd);
            return new Stmt.Set(target, value);
        }

        var filters = Current.Is(TokenKind.Operator, "|") ? ParseFilterChain(new Expr.Literal(null)) : [];
        Expect(TokenKind.BlockEnd);
        return new Stmt.SetBlock(target, filters, ParseBlockUntil("endset"));
    }

    /// <summary>A name, <c>a, b</c> (unpacking) or, for <c>set</c>, <c>ns.attribute</c>.</summary>
    private Stmt.AssignTarget ParseTarget(bool allowAttribute)
    {
        var first = ExpectName(null);
        if (allowAttribute && Current.Is(TokenKind.Operator, "."))
        {
            Next();
            return new Stmt.AssignTarget([first], false, ExpectName(null));
        }

        var names = new List<string> { first };
        var unpack = false;
        while (Current.Is(TokenKind.Operator, ","))
        {
            Next();
            unpack = true;
            if (Current.Kind != TokenKind.Name || Current.Value == "in")
            {
                break;
            }

            names.Add(ExpectName(null));
        }

        return new Stmt.AssignTarget(names, unpack, null);
    }

    private List<Stmt> ParseBlockUntil(string endTag)
    {
        var (body, end) = ParseBody();
        if (end != endTag)
        {
            throw UnexpectedEnd(end, endTag);
        }

        Expect(TokenKind.BlockEnd);
        return body;
    }

    /// <summary>Counts one level of recursive descent; templates nested deeper than <see cref="MaxNesting"/> are rejected.</summary>
    private void Enter()
    {
        if (++_nesting > MaxNesting)
        {
            throw Error("template nested too deeply");
        }
    }

    private Token Expect(TokenKind kind, string? value = null)
    {
        var token = Current;
        if (token.Kind != kind || (value is not null && token.Value != value))
        {
            throw Error($"expected {(value is not null ? $"'{value}'" : kind == TokenKind.Name ? "a name" : new Token(kind, "", 0).ToString())}, got {token}");
        }

        return Next();
    }

    private string ExpectName(string? value) => Expect(TokenKind.Name, value).Value;

    private ChatTemplateException UnexpectedEnd(string? end, string expected) =>
        Error(end is null ? $"unexpected end of template, expected '{expected}'" : $"unexpected '{end}', expected '{expected}'");

    private ChatTemplateException Error(string message) => new($"template syntax error (line {Current.Line}): {message}");
}
