namespace Serving.Engine.ChatTemplates;

/// <summary>A statement node of the template syntax tree (the cases are nested records).</summary>
internal abstract record Stmt
{
    internal sealed record Text(string Value) : Stmt;

    /// <summary><c>{{ value }}</c>.</summary>
    internal sealed record Emit(Expr Value) : Stmt;

    internal sealed record If(IReadOnlyList<KeyValuePair<Expr, IReadOnlyList<Stmt>>> Branches, IReadOnlyList<Stmt> Otherwise) : Stmt;

    /// <summary><c>for target in items [if condition] ... [else ...] endfor</c>.</summary>
    internal sealed record For(AssignTarget Target, Expr Items, Expr? Condition, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> Otherwise) : Stmt;

    internal sealed record Set(AssignTarget Target, Expr Value) : Stmt;

    /// <summary><c>{% set x | filters %}body{% endset %}</c>: the rendered body, filtered, becomes the value.</summary>
    internal sealed record SetBlock(AssignTarget Target, IReadOnlyList<Expr.Filter> Filters, IReadOnlyList<Stmt> Body) : Stmt;

    internal sealed record Macro(string Name, IReadOnlyList<KeyValuePair<string, Expr?>> Parameters, IReadOnlyList<Stmt> Body) : Stmt;

    /// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: calls the macro with <c>caller()</c> rendering the body.</summary>
    internal sealed record CallBlock(Expr.Call Call, IReadOnlyList<KeyValuePair<string, Expr?>> Parameters, IReadOnlyList<Stmt> Body) : Stmt;

    /// <summary><c>{% with a = 1 %}body{% endwith %}</c>: the body runs in a new scope holding the assignments.</summary>
    internal sealed record With(IReadOnlyList<KeyValuePair<AssignTarget, Expr>> Assignments, IReadOnlyList<Stmt> Body) : Stmt;

    /// <summary><c>{% filter name %}body{% endfilter %}</c>.</summary>
    internal sealed record FilterBlock(IReadOnlyList<Expr.Filter> Filters, IReadOnlyList<Stmt> Body) : Stmt;

    internal sealed record Break : Stmt;

    internal sealed record Continue : Stmt;

    /// <summary>An assignment target: one name, a tuple of names to unpack, or <c>namespace.attribute</c>.</summary>
    internal sealed record AssignTarget(IReadOnlyList<string> Names, bool Unpack, string? Attribute);
}
