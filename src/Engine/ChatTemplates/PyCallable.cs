namespace Serving.Engine.ChatTemplates;

/// <summary>A value a template can call: a macro, a global function such as <c>raise_exception</c>, or a bound string/dict method.</summary>
internal abstract class PyCallable
{
    public abstract string Name { get; }

    public abstract object? Invoke(Evaluator evaluator, CallArgs args);
}
