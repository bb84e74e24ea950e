namespace Serving.Engine.ChatTemplates;

/// <summary>An expression node of the template syntax tree (the cases are nested records).</summary>
internal abstract record Expr
{
    /// <summary>A constant: string, int, float, bool or none.</summary>
    internal sealed record Literal(object? Value) : Expr;

    internal sealed record Variable(string Id) : Expr;

    internal sealed record ListLiteral(IReadOnlyList<Expr> Items) : Expr;

    internal sealed record TupleLiteral(IReadOnlyList<Expr> Items) : Expr;

    internal sealed record DictLiteral(IReadOnlyList<KeyValuePair<Expr, Expr>> Entries) : Expr;

    /// <summary><c>target.name</c>: attribute first, then item (Jinja's <c>getattr</c>).</summary>
    internal sealed record GetAttr(Expr Target, string Attribute) : Expr;

    /// <summary><c>target[key]</c>: item first, then attribute (Jinja's <c>getitem</c>).</summary>
    internal sealed record GetItem(Expr Target, Expr Key) : Expr;

    internal sealed record Slice(Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr;

    internal sealed record Call(Expr Callee, Arguments Args) : Expr;

    /// <summary><c>target | name(args)</c>; in a filter block or set block the target is ignored and the body is filtered.</summary>
    internal sealed record Filter(Expr Target, string Name, Arguments Args) : Expr;

    internal sealed record Test(Expr Target, string Name, Arguments Args) : Expr;

    /// <summary><c>not</c>, unary <c>-</c> and unary <c>+</c>.</summary>
    internal sealed record Unary(string Op, Expr Operand) : Expr;

    /// <summary>Arithmetic, <c>~</c>, and the short-circuiting <c>and</c>/<c>or</c>.</summary>
    internal sealed record Binary(string Op, Expr Left, Expr Right) : Expr;

    /// <summary>A comparison chain <c>a &lt; b &lt;= c</c> (also <c>in</c>, <c>not in</c>): each pair must hold.</summary>
    internal sealed record Compare(Expr First, IReadOnlyList<KeyValuePair<string, Expr>> Rest) : Expr;

    /// <summary><c>then if test else otherwise</c>; a missing else gives undefined.</summary>
    internal sealed record Conditional(Expr Condition, Expr Then, Expr? Otherwise) : Expr;

    /// <summary>Call arguments: positional expressions, then <c>name=expr</c> pairs.</summary>
    internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<KeyValuePair<string, Expr>> Named)
    {
        public static readonly Arguments None = new([], []);
    }
}
