namespace Serving.Engine.ChatTemplates;

/// <summary>The global functions every render gets: transformers' <c>raise_exception</c> and <c>strftime_now</c>, and
/// Jinja's <c>namespace</c>, <c>range</c> and <c>dict</c>. Template variables of the same name shadow them.</summary>
internal static class Builtins
{
    public static IEnumerable<BuiltinFunction> Create() =>
    [
        new("raise_exception", (_, args) =>
            throw new ChatTemplateException(PyText.Str(args.Get(0, "message", "")), raisedByTemplate: true)),
        new("strftime_now", (ev, args) =>
        {
            args.Check("strftime_now", "format");
            return args.Get(0, "format") is string format
                ? Strftime.Format(ev.Now, format)
                : throw new ChatTemplateException("strftime_now() argument must be str");
        }),
        new("namespace", (_, args) => Namespace(args)),
        new("dict", (_, args) => Dict(args)),
        new("range", Range),
    ];

    private static PyNamespace Namespace(CallArgs args)
    {
        var ns = new PyNamespace();
        foreach (var initial in args.Positional)
        {
            if (initial is not OrderedDictionary<object, object?> dict)
            {
                throw new ChatTemplateException("namespace() positional argument must be a dict");
            }

            foreach (var (key, value) in dict)
            {
                ns.Attributes[PyText.Str(key)] = value;
            }
        }

        foreach (var (key, value) in args.Named)
        {
            ns.Attributes[key] = value;
        }

        return ns;
    }

    private static OrderedDictionary<object, object?> Dict(CallArgs args)
    {
        if (args.Positional.Count > 0)
        {
            throw new ChatTemplateException("dict() takes only keyword arguments here");
        }

        var dict = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
        foreach (var (key, value) in args.Named)
        {
            dict[key] = value;
        }

        return dict;
    }

    private static List<object?> Range(Evaluator evaluator, CallArgs args)
    {
        var numbers = args.Positional.Select(v => v is long or bool
            ? (long)PyOps.ToDouble(v)
            : throw new ChatTemplateException($"'{PyText.TypeName(v)}' object cannot be interpreted as an integer")).ToArray();
        var (start, stop, step) = numbers.Length switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw new ChatTemplateException($"range expected 1 to 3 arguments, got {numbers.Length}"),
        };
        if (step == 0)
        {
            throw new ChatTemplateException("range() arg 3 must not be zero");
        }

        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (count > evaluator.Limits.MaxSteps)
        {
            throw new ChatTemplateException($"range() of {count} items exceeds the template's {evaluator.Limits.MaxSteps}-step limit");
        }

        var result = new List<object?>();
        for (var i = 0L; i < count; i++)
        {
            result.Add(start + (i * step));
        }

        return result;
    }
}
