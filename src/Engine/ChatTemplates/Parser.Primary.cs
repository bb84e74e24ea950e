using System.Globalization;

namespace Serving.Engine.ChatTemplates;

/// <summary>Primaries (names, literals, lists, dicts, parentheses) and what binds tightest after them: <c>.attr</c>,
/// <c>[key]</c>, <c>[a:b:c]</c>, calls, <c>| filter(args)</c> and <c>is [not] test</c>.</summary>
internal sealed partial class Parser
{
    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new Expr.Literal(true),
                    "false" or "False" => new Expr.Literal(false),
                    "none" or "None" => new Expr.Literal(null),
                    _ => new Expr.Variable(token.Value),
                };
            case TokenKind.String:
                var text = token.Value;
                while (Current.Kind == TokenKind.String)
                {
                    text += Next().Value;
                }

                return new Expr.Literal(text);
            case TokenKind.Integer:
                return new Expr.Literal(long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw Error($"integer literal {token.Value} is too large"));
            case TokenKind.Float:
                return new Expr.Literal(double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when token.Value == "(":
                var inner = ParseTuple(withCondition: true, explicitParentheses: true);
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                var items = ParseSequence("]", () => ParseExpression());
                return new Expr.ListLiteral(items);
            case TokenKind.Operator when token.Value == "{":
                var entries = ParseSequence("}", () =>
                {
                    var key = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    return new KeyValuePair<Expr, Expr>(key, ParseExpression());
                });
                return new Expr.DictLiteral(entries);
            default:
                _index--;
                throw Error($"unexpected {token}");
        }
    }

    /// <summary>Comma-separated items up to <paramref name="close"/> (a trailing comma allowed), consuming the closer.</summary>
    private List<T> ParseSequence<T>(string close, Func<T> item)
    {
        var items = new List<T>();
        while (!Current.Is(TokenKind.Operator, close))
        {
            if (items.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (Current.Is(TokenKind.Operator, close))
                {
                    break;
                }
            }

            items.Add(item());
        }

        Next();
        return items;
    }

    private Expr ParsePostfix(Expr node)
    {
        while (Current.Kind == TokenKind.Operator)
        {
            if (Current.Value == ".")
            {
                Next();
                var token = Next();
                node = token.Kind switch
                {
                    TokenKind.Name => new Expr.GetAttr(node, token.Value),
                    TokenKind.Integer => new Expr.GetItem(node, new Expr.Literal(long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        ? index
                        : throw Error($"index {token.Value} is too large"))),
                    _ => throw Error($"expected an attribute name, got {token}"),
                };
            }
            else if (Current.Value == "[")
            {
                Next();
                node = ParseSubscript(node);
            }
            else if (Current.Value == "(")
            {
                node = new Expr.Call(node, ParseArguments());
            }
            else
            {
                break;
            }
        }

        return node;
    }

    private Expr ParseSubscript(Expr target)
    {
        Expr? start = null;
        if (!Current.Is(TokenKind.Operator, ":"))
        {
            start = ParseExpression();
            if (!Current.Is(TokenKind.Operator, ":"))
            {
                Expect(TokenKind.Operator, "]");
                return new Expr.GetItem(target, start);
            }
        }

        Next();
        Expr? stop = null;
        Expr? step = null;
        if (!Current.Is(TokenKind.Operator, "]") && !Current.Is(TokenKind.Operator, ":"))
        {
            stop = ParseExpression();
        }

        if (Current.Is(TokenKind.Operator, ":"))
        {
            Next();
            if (!Current.Is(TokenKind.Operator, "]"))
            {
                step = ParseExpression();
            }
        }

        Expect(TokenKind.Operator, "]");
        return new Expr.Slice(target, start, stop, step);
    }

    private Expr.Arguments ParseArguments()
    {
        Expect(TokenKind.Operator, "(");
        var positional = new List<Expr>();
        var named = new List<KeyValuePair<string, Expr>>();
        ParseSequence(")", () =>
        {
            if (Current.Kind == TokenKind.Name && Peek().Is(TokenKind.Operator, "="))
            {
                var name = Next().Value;
                Next();
                named.Add(new(name, ParseExpression()));
            }
            else if (named.Count > 0)
            {
                throw Error("positional argument follows keyword argument");
            }
            else
            {
                positional.Add(ParseExpression());
            }

            return 0;
        });
        return new Expr.Arguments(positional, named);
    }

    private Expr ParseFilterAndTests(Expr node)
    {
        while (true)
        {
            if (Current.Is(TokenKind.Operator, "|"))
            {
                node = ParseFilterChain(node)[^1];
            }
            else if (Current.Is(TokenKind.Name, "is"))
            {
                node = ParseTest(node);
            }
            else if (Current.Is(TokenKind.Operator, "("))
            {
                node = new Expr.Call(node, ParseArguments());
            }
            else
            {
                return node;
            }
        }
    }

    /// <summary><c>| f1(args) | f2</c>...; each filter's target is the previous one, the first's is <paramref name="target"/>.</summary>
    private List<Expr.Filter> ParseFilterChain(Expr target)
    {
        var chain = new List<Expr.Filter>();
        do
        {
            if (chain.Count > 0 || Current.Is(TokenKind.Operator, "|"))
            {
                Expect(TokenKind.Operator, "|");
            }

            var name = ExpectName(null);
            if (!Filters.Exists(name))
            {
                throw Error($"no filter named '{name}'");
            }

            var args = Current.Is(TokenKind.Operator, "(") ? ParseArguments() : Expr.Arguments.None;
            target = new Expr.Filter(target, name, args);
            chain.Add((Expr.Filter)target);
        }
        while (Current.Is(TokenKind.Operator, "|"));

        return chain;
    }

    private Expr ParseTest(Expr target)
    {
        Next();
        var negated = false;
        if (Current.Is(TokenKind.Name, "not"))
        {
            Next();
            negated = true;
        }

        var name = ExpectName(null);
        if (!TestFunctions.Exists(name))
        {
            throw Error($"no test named '{name}'");
        }

        var args = Expr.Arguments.None;
        if (Current.Is(TokenKind.Operator, "("))
        {
            args = ParseArguments();
        }
        else if (StartsTestArgument())
        {
            args = new Expr.Arguments([ParsePostfix(ParsePrimary())], []);
        }

        Expr test = new Expr.Test(target, name, args);
        return negated ? new Expr.Unary("not", test) : test;
    }

    /// <summary>Jinja lets a test take one bare argument (<c>x is divisibleby 3</c>, <c>x is sameas false</c>).</summary>
    private bool StartsTestArgument() =>
        Current.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
        || (Current.Kind == TokenKind.Name && Current.Value is not ("else" or "or" or "and"))
        || (Current.Kind == TokenKind.Operator && Current.Value is "[" or "{");
}
