namespace Serving.Engine.ChatTemplates;

/// <summary>Statement execution: text, output, <c>if</c>, <c>for</c>, <c>set</c>, macros, filter blocks, loop control.</summary>
internal sealed partial class Evaluator
{
    private Flow Exec(IReadOnlyList<Stmt> body, Scope scope)
    {
        foreach (var stmt in body)
        {
            var flow = Exec(stmt, scope);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow Exec(Stmt stmt, Scope scope)
    {
        EnsureStack();
        switch (stmt)
        {
            case Stmt.Text text:
                Append(text.Value);
                return Flow.Normal;
            case Stmt.Emit emit:
                Append(PyText.Str(Eval(emit.Value, scope), Limits.MaxDepth));
                return Flow.Normal;
            case Stmt.If branch:
                return ExecIf(branch, scope);
            case Stmt.For loop:
                return ExecFor(loop, scope);
            case Stmt.Set set:
                Assign(set.Target, Eval(set.Value, scope), scope);
                return Flow.Normal;
            case Stmt.SetBlock setBlock:
                var (captured, flow) = Capture(setBlock.Body, scope);
                Assign(setBlock.Target, ApplyFilters(setBlock.Filters, captured, scope), scope);
                return flow;
            case Stmt.Macro macro:
                scope.Set(macro.Name, new MacroValue(macro, scope));
                return Flow.Normal;
            case Stmt.CallBlock callBlock:
                var caller = new MacroValue(new Stmt.Macro("caller", callBlock.Parameters, callBlock.Body), scope);
                var callee = Eval(callBlock.Call.Callee, scope) switch
                {
                    MacroValue macro => macro,
                    Undefined u => throw u.Error("call"),
                    var other => throw new ChatTemplateException($"a call block needs a macro to call, not {PyText.TypeName(other)}"),
                };
                Append(PyText.Str(CallMacro(callee, EvalArgs(callBlock.Call.Args, scope), caller)));
                return Flow.Normal;
            case Stmt.With with:
                var inner = new Scope(scope);
                foreach (var (target, value) in with.Assignments)
                {
                    Assign(target, Eval(value, scope), inner);
                }

                return Exec(with.Body, inner);
            case Stmt.FilterBlock filterBlock:
                var (body, blockFlow) = Capture(filterBlock.Body, scope);
                Append(PyText.Str(ApplyFilters(filterBlock.Filters, body, scope), Limits.MaxDepth));
                return blockFlow;
            case Stmt.Break:
                return Flow.Break;
            case Stmt.Continue:
                return Flow.Continue;
            default:
                throw new InvalidOperationException($"unknown statement {stmt.GetType().Name}");
        }
    }

    private Flow ExecIf(Stmt.If branch, Scope scope)
    {
        foreach (var (condition, body) in branch.Branches)
        {
            if (PyOps.IsTruthy(Eval(condition, scope)))
            {
                return Exec(body, scope);
            }
        }

        return Exec(branch.Otherwise, scope);
    }

    private Flow ExecFor(Stmt.For loop, Scope scope)
    {
        var items = Sequences.Iterate(Eval(loop.Items, scope));
        if (loop.Condition is not null)
        {
            // NOTE: `for x in xs if cond` filters first, so loop.index/length/last count only the kept items (as Jinja does).
            var kept = new List<object?>();
            foreach (var item in items)
            {
                Step();
                var probe = new Scope(scope);
                Assign(loop.Target, item, probe);
                if (PyOps.IsTruthy(Eval(loop.Condition, probe)))
                {
                    kept.Add(item);
                }
            }

            items = kept;
        }

        if (items.Count == 0)
        {
            return Exec(loop.Otherwise, scope);
        }

        var context = new LoopContext(items);
        for (var i = 0; i < items.Count; i++)
        {
            Step();
            context.Index0 = i;
            var iteration = new Scope(scope);
            iteration.Set("loop", context);
            Assign(loop.Target, items[i], iteration);
            if (Exec(loop.Body, iteration) == Flow.Break)
            {
                break;
            }
        }

        return Flow.Normal;
    }

    private static void Assign(Stmt.AssignTarget target, object? value, Scope scope)
    {
        if (target.Attribute is not null)
        {
            if (scope.Get(target.Names[0]) is not PyNamespace ns)
            {
                throw new ChatTemplateException($"cannot assign attribute '{target.Attribute}' on '{target.Names[0]}': it is not a namespace");
            }

            ns.Attributes[target.Attribute] = value;
            return;
        }

        if (!target.Unpack)
        {
            scope.Set(target.Names[0], value);
            return;
        }

        var items = Sequences.Iterate(value);
        if (items.Count != target.Names.Count)
        {
            throw new ChatTemplateException($"cannot unpack {items.Count} values into {target.Names.Count} names");
        }

        for (var i = 0; i < items.Count; i++)
        {
            scope.Set(target.Names[i], items[i]);
        }
    }

    private object? ApplyFilters(IReadOnlyList<Expr.Filter> filters, object? value, Scope scope)
    {
        foreach (var filter in filters)
        {
            value = ApplyFilter(filter, value, scope);
        }

        return value;
    }
}
