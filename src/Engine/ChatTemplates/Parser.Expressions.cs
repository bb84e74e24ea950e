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
        Enter();
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
                Enter();
                otherwise = ParseConditional();
                _nesting--;
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
            Enter();
            var operand = ParseNot();
            _nesting--;
            return new Expr.Unary("not", operand);
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
        Enter();

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
}
