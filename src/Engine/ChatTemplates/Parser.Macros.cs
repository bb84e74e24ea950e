namespace Serving.Engine.ChatTemplates;

/// <summary>The statements that open their own scope: <c>macro</c>, <c>call</c> blocks and <c>with</c>.</summary>
internal sealed partial class Parser
{
    private Stmt.Macro ParseMacro()
    {
        var name = ExpectName(null);
        var parameters = ParseParameters();
        Expect(TokenKind.BlockEnd);
        return new Stmt.Macro(name, parameters, ParseMacroBody("endmacro"));
    }

    private Stmt.CallBlock ParseCallBlock()
    {
        var parameters = Current.Is(TokenKind.Operator, "(") ? ParseParameters() : [];
        var call = ParseExpression() as Expr.Call ?? throw Error("expected a macro call after 'call'");
        Expect(TokenKind.BlockEnd);
        return new Stmt.CallBlock(call, parameters, ParseMacroBody("endcall"));
    }

    private Stmt.With ParseWith()
    {
        var assignments = new List<KeyValuePair<Stmt.AssignTarget, Expr>>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
            }

            var target = ParseTarget(allowAttribute: false);
            Expect(TokenKind.Operator, "=");
            assignments.Add(new(target, ParseExpression()));
        }

        Next();
        return new Stmt.With(assignments, ParseBlockUntil("endwith"));
    }

    /// <summary>A body with its own loop context: <c>break</c> inside a macro cannot reach a loop around its definition.</summary>
    private List<Stmt> ParseMacroBody(string endTag)
    {
        var outerLoops = _loopDepth;
        _loopDepth = 0;
        var body = ParseBlockUntil(endTag);
        _loopDepth = outerLoops;
        return body;
    }

    /// <summary><c>(a, b=default, ...)</c> of a macro or call block.</summary>
    private List<KeyValuePair<string, Expr?>> ParseParameters()
    {
        Expect(TokenKind.Operator, "(");
        var parameters = new List<KeyValuePair<string, Expr?>>();
        while (!Current.Is(TokenKind.Operator, ")"))
        {
            if (parameters.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
            }

            var parameter = ExpectName(null);
            Expr? defaultValue = null;
            if (Current.Is(TokenKind.Operator, "="))
            {
                Next();
                defaultValue = ParseExpression();
            }

            parameters.Add(new(parameter, defaultValue));
        }

        Next();
        return parameters;
    }
}
