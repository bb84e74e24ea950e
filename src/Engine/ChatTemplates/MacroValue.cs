namespace Serving.Engine.ChatTemplates;

/// <summary>A defined <c>{% macro %}</c>: calling it renders its body in a fresh scope over the scope it was defined in
/// and returns the text.</summary>
internal sealed class MacroValue(Stmt.Macro definition, Scope closure) : PyCallable
{
    public Stmt.Macro Definition { get; } = definition;

    public Scope Closure { get; } = closure;

    public override string Name => Definition.Name;

    public override object? Invoke(Evaluator evaluator, CallArgs args) => evaluator.CallMacro(this, args);
}
