namespace Serving.Engine.ChatTemplates;

/// <summary>Expression evaluation, attribute/item lookup (Jinja's <c>getattr</c>/<c>getitem</c>) and calls.</summary>
internal sealed partial class Evaluator
{
    public object? Eval(Expr expr, Scope scope)
    {
        EnsureStack();
        return EvalNode(expr, scope);
    }

    private object? EvalNode(Expr expr, Scope scope) => expr switch
    {
        Expr.Literal literal => literal.Value,
        Expr.Variable name => scope.Get(name.Id),
        Expr.ListLiteral list => list.Items.Select(e => Eval(e, scope)).ToList(),
        Expr.TupleLiteral tuple => tuple.Items.Select(e => Eval(e, scope)).ToArray(),
        Expr.DictLiteral dict => EvalDict(dict, scope),
        Expr.GetAttr get => GetAttribute(Eval(get.Target, scope), get.Attribute),
        Expr.GetItem get => GetItem(Eval(get.Target, scope), Eval(get.Key, scope)),
        Expr.Slice slice => EvalSlice(slice, scope),
        Expr.Call call => Invoke(Eval(call.Callee, scope), EvalArgs(call.Args, scope)),
        Expr.Filter filter => ApplyFilter(filter, Eval(filter.Target, scope), scope),
        Expr.Test test => TestFunctions.Run(test.Name, Eval(test.Target, scope), EvalArgs(test.Args, scope), this),
        Expr.Unary unary => EvalUnary(unary, scope),
        Expr.Binary binary => EvalBinary(binary, scope),
        Expr.Compare compare => EvalCompare(compare, scope),
        Expr.Conditional conditional => PyOps.IsTruthy(Eval(conditional.Condition, scope))
            ? Eval(conditional.Then, scope)
            : conditional.Otherwise is null ? Undefined.Instance : Eval(conditional.Otherwise, scope),
        _ => throw new InvalidOperationException($"unknown expression {expr.GetType().Name}"),
    };

    /// <summary><c>obj.name</c>: a method or attribute first, then a dict key (Jinja's <c>getattr</c>); missing is undefined.</summary>
    public static object? GetAttribute(object? target, string name)
    {
        switch (target)
        {
            case OrderedDictionary<object, object?> dict:
                return BoundMethod.TryBind(dict, name) ?? (dict.TryGetValue(name, out var value) ? value : new Undefined(name));
            case PyNamespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : new Undefined(name);
            case LoopContext loop:
                return loop.Get(name);
            default:
                return (object?)BoundMethod.TryBind(target, name) ?? new Undefined(name);
        }
    }

    /// <summary><c>obj[key]</c>: a dict key or sequence index first, then an attribute (Jinja's <c>getitem</c>); missing is undefined.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case OrderedDictionary<object, object?> dict when PyOps.IsHashable(key):
                if (dict.TryGetValue(key, out var value))
                {
                    return value;
                }

                break;
            case IReadOnlyList<object?> list when key is long or bool:
                var index = (long)PyOps.ToDouble(key);
                index = index < 0 ? index + list.Count : index;
                return index >= 0 && index < list.Count ? list[(int)index] : new Undefined($"[{key}]");
            case string s when key is long or bool:
                return (object?)PyString.At(s, (long)PyOps.ToDouble(key)) ?? new Undefined($"[{key}]");
        }

        return key is string name ? GetAttribute(target, name) : new Undefined($"[{PyText.Str(key)}]");
    }

    public object? Invoke(object? callee, CallArgs args) => callee switch
    {
        PyCallable callable => callable.Invoke(this, args),
        Undefined u => throw u.Error("call"),
        _ => throw new ChatTemplateException($"'{PyText.TypeName(callee)}' object is not callable"),
    };

    public object? ApplyFilter(Expr.Filter filter, object? value, Scope scope) =>
        Filters.Apply(filter.Name, this, value, EvalArgs(filter.Args, scope));

    private CallArgs EvalArgs(Expr.Arguments args, Scope scope)
    {
        if (args.Positional.Count == 0 && args.Named.Count == 0)
        {
            return CallArgs.Empty;
        }

        return new CallArgs(
            args.Positional.Select(e => Eval(e, scope)).ToList(),
            args.Named.Select(kv => new KeyValuePair<string, object?>(kv.Key, Eval(kv.Value, scope))).ToList());
    }

    private OrderedDictionary<object, object?> EvalDict(Expr.DictLiteral dict, Scope scope)
    {
        var result = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
        foreach (var (keyExpr, valueExpr) in dict.Entries)
        {
            var key = Eval(keyExpr, scope);
            if (!PyOps.IsHashable(key))
            {
                throw new ChatTemplateException($"unhashable or unsupported dict key type: '{PyText.TypeName(key)}'");
            }

            result[key] = Eval(valueExpr, scope);
        }

        return result;
    }

    private object? EvalSlice(Expr.Slice slice, Scope scope)
    {
        var target = Eval(slice.Target, scope);
        var start = SliceIndex(slice.Start, scope);
        var stop = SliceIndex(slice.Stop, scope);
        var step = SliceIndex(slice.Step, scope);
        return target switch
        {
            string s => PyString.Slice(s, start, stop, step),
            object?[] tuple => PySlice.Apply(tuple, start, stop, step).ToArray(),
            IReadOnlyList<object?> list => PySlice.Apply(list, start, stop, step),
            Undefined => Undefined.Instance,
            _ => throw new ChatTemplateException($"'{PyText.TypeName(target)}' object is not subscriptable"),
        };
    }

    private long? SliceIndex(Expr? expr, Scope scope)
    {
        var value = expr is null ? null : Eval(expr, scope);
        return value switch
        {
            null => null,
            long l => l,
            bool b => b ? 1 : 0,
            _ => throw new ChatTemplateException("slice indices must be integers or None"),
        };
    }

    private object? EvalUnary(Expr.Unary unary, Scope scope)
    {
        var operand = Eval(unary.Operand, scope);
        return unary.Op switch
        {
            "not" => !PyOps.IsTruthy(operand),
            "-" => PyArithmetic.Negate(operand),
            _ => PyArithmetic.Plus(operand),
        };
    }

    private object? EvalBinary(Expr.Binary binary, Scope scope)
    {
        var left = Eval(binary.Left, scope);
        switch (binary.Op)
        {
            case "and":
                return PyOps.IsTruthy(left) ? Eval(binary.Right, scope) : left;
            case "or":
                return PyOps.IsTruthy(left) ? left : Eval(binary.Right, scope);
            case "~":
                var text = PyText.Str(left, Limits.MaxDepth) + PyText.Str(Eval(binary.Right, scope), Limits.MaxDepth);
                return text.Length <= Limits.MaxOutputChars ? text : throw new ChatTemplateException($"template output limit exceeded ({Limits.MaxOutputChars} characters)");
            default:
                return PyArithmetic.Binary(binary.Op, left, Eval(binary.Right, scope), Limits.MaxOutputChars);
        }
    }

    private bool EvalCompare(Expr.Compare compare, Scope scope)
    {
        var left = Eval(compare.First, scope);
        foreach (var (op, rightExpr) in compare.Rest)
        {
            var right = Eval(rightExpr, scope);
            var holds = op switch
            {
                "==" => PyOps.AreEqual(left, right, Limits.MaxDepth),
                "!=" => !PyOps.AreEqual(left, right, Limits.MaxDepth),
                "<" => PyOps.Compare(left, right, Limits.MaxDepth) < 0,
                "<=" => PyOps.Compare(left, right, Limits.MaxDepth) <= 0,
                ">" => PyOps.Compare(left, right, Limits.MaxDepth) > 0,
                ">=" => PyOps.Compare(left, right, Limits.MaxDepth) >= 0,
                "in" => PyOps.Contains(right, left),
                _ => !PyOps.Contains(right, left),
            };
            if (!holds)
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}
