using System.Globalization;

namespace Serving.Engine.ChatTemplates;

/// <summary>The expression layer, following Jinja's precedence from loosest to tightest: conditional, <c>or</c>,
/// <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>, <c>* / // %</c>, <c>**</c>, unary
/// <c>- +</c>, then primaries with postfix <c>.attr [key] (call)</c> and filters/tests (<c>|f</c>, <c>is t</c>).</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> CompareOperators = new(StringComparer.Ordinal) { "==", "!=", "<", "<=", ">", ">=" };

    /// <summary>An expression or a comma-separated tuple of them (<c>{{ a, b }}</c>, <c>for x in a, b</c>).</summary>
    private Expr ParseTuple(bool withCondition, bool explicitParentheses = false)
    {
        var items = new List<Expr>();
        var sawComma = false;
        while (true)
        {
            if (items.Count > 0)
            {
                if (!Current.Is(TokenKind.Operator, ","))
                {
                    break;
                }

                Next();
                sawComma = true;
            }

            if (IsTupleEnd())
            {
                break;
            }

            items.Add(ParseExpression(withCondition));
        }

        if (!sawComma && items.Count == 1)
        {
            return items[0];
        }

        if (items.Count == 0 && !explicitParentheses)
        {
            throw Error($"expected an expression, got {Current}");
        }

        return new Expr.TupleLiteral(items);
    }

    private bool IsTupleEnd() => Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.End
        || (Current.Kind == TokenKind.Operator && Current.Value is ")" or "]" or "}")
        || (Current.Kind == TokenKind.Name && Current.Value is "in" or "if");

    private Expr ParseExpression(bool withCondition = true)
    {
        if (++_nesting > MaxNesting)
        {
            throw Error("expression nested too deeply");
        }

        var expr = withCondition ? ParseConditional() : ParseOr();
        _nesting--;
        return expr;
    }

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (Current.Is(TokenKind.Name, "if"))
        {
            Next();
            var test = ParseOr();
            Expr? otherwise = null;
            if (Current.Is(TokenKind.Name, "else"))
            {
                Next();
                otherwise = ParseConditional();
            }

            expr = new Expr.Conditional(test, expr, otherwise);
        }

        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.Is(TokenKind.Name, "or"))
        {
            Next();
            left = new Expr.Binary("or", left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.Is(TokenKind.Name, "and"))
        {
            Next();
            left = new Expr.Binary("and", left, ParseNot());
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (Current.Is(TokenKind.Name, "not"))
        {
            Next();
            return new Expr.Unary("not", ParseNot());
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var first = ParseMath1();
        var rest = new List<KeyValuePair<string, Expr>>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Value))
            {
                var op = Next().Value;
                rest.Add(new(op, ParseMath1()));
            }
            else if (Current.Is(TokenKind.Name, "in"))
            {
                Next();
                rest.Add(new("in", ParseMath1()));
            }
            else if (Current.Is(TokenKind.Name, "not") && Peek().Is(TokenKind.Name, "in"))
            {
                _index += 2;
                rest.Add(new("not in", ParseMath1()));
            }
            else
            {
                return rest.Count == 0 ? first : new Expr.Compare(first, rest);
            }
        }
    }

    private Expr ParseMath1() => ParseBinary(ParseConcat, "+", "-");

    private Expr ParseConcat() => ParseBinary(ParseMath2, "~");

    private Expr ParseMath2() => ParseBinary(ParsePower, "*", "/", "//", "%");

    private Expr ParsePower() => ParseBinary(() => ParseUnary(withFilter: true), "**");

    private Expr ParseBinary(Func<Expr> operand, params string[] operators)
    {
        var left = operand();
        while (Current.Kind == TokenKind.Operator && operators.Contains(Current.Value))
        {
            var op = Next().Value;
            left = new Expr.Binary(op, left, operand());
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        if (++_nesting > MaxNesting)
        {
            throw Error("expression nested too deeply");
        }

        Expr node;
        if (Current.Kind == TokenKind.Operator && Current.Value is "-" or "+")
        {
            var op = Next().Value;
            node = new Expr.Unary(op, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        if (withFilter)
        {
            node = ParseFilterAndTests(node);
        }

        _nesting--;
        return node;
    }

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
                    TokenKind.Integer => new Expr.GetItem(node, new Expr.Literal(long.Parse(token.Value, CultureInfo.InvariantCulture))),
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
