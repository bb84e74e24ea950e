using System.Runtime.CompilerServices;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>Renders a parsed template once: holds the output buffer, the clock <c>strftime_now</c> sees and the limit
/// counters. Statements, expressions and calls live in the other parts of this class.</summary>
internal sealed partial class Evaluator
{
    private StringBuilder _output = new();
    private int _steps;
    private int _macroDepth;

    private Evaluator(DateTimeOffset now, ChatTemplateLimits limits)
    {
        Now = now;
        Limits = limits;
    }

    /// <summary>What a loop body or statement list tells the enclosing loop.</summary>
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public ChatTemplateLimits Limits { get; }

    public DateTimeOffset Now { get; }

    public static string Render(IReadOnlyList<Stmt> body, IReadOnlyDictionary<string, object?> variables, DateTimeOffset now, ChatTemplateLimits limits)
    {
        var evaluator = new Evaluator(now, limits);
        var globals = new Scope(null);
        foreach (var function in Builtins.Create())
        {
            globals.Set(function.Name, function);
        }

        var root = new Scope(globals);
        foreach (var (name, value) in variables)
        {
            root.Set(name, value);
        }

        evaluator.Exec(body, root);
        return evaluator._output.ToString();
    }

    /// <summary>Counts one loop iteration or macro call against <see cref="ChatTemplateLimits.MaxSteps"/>.</summary>
    public void Step()
    {
        if (++_steps > Limits.MaxSteps)
        {
            throw new ChatTemplateException($"template exceeded {Limits.MaxSteps} loop iterations and macro calls");
        }
    }

    /// <summary>Renders a macro's body with <paramref name="args"/> bound to its parameters (missing ones take their
    /// default or are undefined); <paramref name="caller"/> is the body of an enclosing <c>{% call %}</c> block.</summary>
    public object? CallMacro(MacroValue macro, CallArgs args, MacroValue? caller = null)
    {
        var definition = macro.Definition;
        if (args.Positional.Count > definition.Parameters.Count)
        {
            throw new ChatTemplateException($"macro '{definition.Name}' takes not more than {definition.Parameters.Count} argument(s)");
        }

        var scope = new Scope(macro.Closure);
        if (caller is not null)
        {
            scope.Set("caller", caller);
        }

        foreach (var (name, _) in args.Named)
        {
            if (!definition.Parameters.Any(p => p.Key == name))
            {
                throw new ChatTemplateException($"macro '{definition.Name}' takes no keyword argument '{name}'");
            }
        }

        for (var i = 0; i < definition.Parameters.Count; i++)
        {
            var (name, defaultValue) = definition.Parameters[i];
            scope.Set(name, args.Has(i, name) ? args.Get(i, name) : defaultValue is null ? new Undefined(name) : Eval(defaultValue, scope));
        }

        Step();
        if (++_macroDepth > Limits.MaxDepth)
        {
            throw new ChatTemplateException($"macro calls nested deeper than {Limits.MaxDepth}");
        }

        try
        {
            return Capture(definition.Body, scope).Text;
        }
        finally
        {
            _macroDepth--;
        }
    }

    /// <summary>Fails cleanly before deep recursion (a long <c>a + b + ...</c> chain, nested macros) can overflow the stack,
    /// which would kill the process rather than throw.</summary>
    private static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ChatTemplateException("template nested too deeply to render");
        }
    }

    private void Append(string text)
    {
        if (_output.Length + (long)text.Length > Limits.MaxOutputChars)
        {
            throw new ChatTemplateException($"template output limit exceeded ({Limits.MaxOutputChars} characters)");
        }

        _output.Append(text);
    }

    /// <summary>Renders <paramref name="body"/> into a separate buffer (macro bodies, set blocks, filter blocks).</summary>
    private (string Text, Flow Flow) Capture(IReadOnlyList<Stmt> body, Scope scope)
    {
        var saved = _output;
        _output = new StringBuilder();
        try
        {
            var flow = Exec(body, scope);
            return (_output.ToString(), flow);
        }
        finally
        {
            _output = saved;
        }
    }
}
