namespace Serving.Engine.ChatTemplates;

/// <summary>A global function (<c>raise_exception</c>, <c>strftime_now</c>, <c>namespace</c>, <c>range</c>, <c>dict</c>).</summary>
internal sealed class BuiltinFunction(string name, Func<Evaluator, CallArgs, object?> body) : PyCallable
{
    public override string Name { get; } = name;

    public override object? Invoke(Evaluator evaluator, CallArgs args) => body(evaluator, args);
}
