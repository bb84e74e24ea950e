using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Serving.Engine.ChatTemplates;

/// <summary>The sequence filters: <c>items</c>, <c>join</c>, <c>map</c>, <c>select</c>/<c>reject</c>(<c>attr</c>), <c>sort</c>...</summary>
internal static partial class Filters
{
    private static List<object?> Items(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("items");
        return value switch
        {
            Undefined => new List<object?>(),
            OrderedDictionary<object, object?> dict => DictMethods.Items(dict),
            _ => throw new ChatTemplateException($"can only get item pairs from a mapping, not {PyText.TypeName(value)}"),
        };
    }

    /// <summary><c>dictsort(case_sensitive=false, by='key', reverse=false)</c>: the (key, value) pairs, sorted.</summary>
    private static List<object?> DictSort(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("dictsort", "case_sensitive", "by", "reverse");
        if (value is not OrderedDictionary<object, object?> dict)
        {
            throw new ChatTemplateException($"dictsort needs a mapping, got {PyText.TypeName(value)}");
        }

        var byValue = PyText.Str(args.Get(1, "by", "key")) switch
        {
            "key" => false,
            "value" => true,
            _ => throw new ChatTemplateException("dictsort: you can only sort by either 'key' or 'value'"),
        };
        var key = SortKey(null, PyOps.IsTruthy(args.Get(0, "case_sensitive", false)));
        var reverse = PyOps.IsTruthy(args.Get(2, "reverse", false));
        var pairs = DictMethods.Items(dict);
        return StableSort(pairs, pair => key(pair is object?[] kv ? kv[byValue ? 1 : 0] : null), reverse, evaluator.Limits.MaxDepth);
    }

    private static string Join(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("join", "d", "attribute");
        var separator = PyText.Str(args.Get(0, "d", ""));
        var items = Sequences.Iterate(value);
        if (args.Get(1, "attribute") is { } attribute and not Undefined)
        {
            var getter = AttributeGetter(attribute);
            items = items.Select(getter).ToList();
        }

        var text = string.Join(separator, items.Select(item => PyText.Str(item, evaluator.Limits.MaxDepth)));
        return text.Length <= evaluator.Limits.MaxOutputChars ? text : throw new ChatTemplateException($"template output limit exceeded ({evaluator.Limits.MaxOutputChars} characters)");
    }

    /// <summary><c>map(attribute='x', default=...)</c> or <c>map('filter', args...)</c>; a falsy input maps to nothing, as in Jinja.</summary>
    private static List<object?> Map(Evaluator evaluator, object? value, CallArgs args)
    {
        var items = PyOps.IsTruthy(value) ? Sequences.Iterate(value) : [];
        if (args.Positional.Count == 0 && args.Named.Any(kv => kv.Key == "attribute"))
        {
            args.Check("map", "attribute", "default");
            var getter = AttributeGetter(args.Get(0, "attribute"));
            var hasDefault = args.Has(1, "default");
            var fallback = args.Get(1, "default");
            return items.Select(item => getter(item) is Undefined && hasDefault ? fallback : getter(item)).ToList();
        }

        if (args.Positional.Count == 0 || args.Positional[0] is not string filter)
        {
            throw new ChatTemplateException("map() needs a filter name or attribute=");
        }

        var rest = new CallArgs(args.Positional.Skip(1).ToList(), args.Named);
        return items.Select(item => Apply(filter, evaluator, item, rest)).ToList();
    }

    /// <summary>Jinja's <c>select_or_reject</c>: an optional attribute, then an optional test name and its arguments
    /// (no test means truthiness). A falsy input (none, undefined) gives an empty result rather than an error.</summary>
    private static List<object?> SelectOrReject(Evaluator evaluator, object? value, CallArgs args, bool select, bool byAttribute)
    {
        var positional = args.Positional;
        Func<object?, object?> getter = item => item;
        if (byAttribute)
        {
            if (positional.Count == 0)
            {
                throw new ChatTemplateException($"{(select ? "selectattr" : "rejectattr")}() needs an attribute name");
            }

            getter = AttributeGetter(positional[0]);
            positional = positional.Skip(1).ToList();
        }

        Func<object?, bool> predicate = PyOps.IsTruthy;
        if (positional.Count > 0)
        {
            var testName = positional[0] as string ?? throw new ChatTemplateException("the test name must be a string");
            if (!TestFunctions.Exists(testName))
            {
                throw new ChatTemplateException($"no test named '{testName}'");
            }

            var testArgs = new CallArgs(positional.Skip(1).ToList(), args.Named);
            predicate = v => TestFunctions.Run(testName, v, testArgs, evaluator);
        }

        var items = PyOps.IsTruthy(value) ? Sequences.Iterate(value) : [];
        return items.Where(item => predicate(getter(item)) == select).ToList();
    }

    private static object? Reverse(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("reverse");
        if (value is string s)
        {
            return string.Concat(PyString.Characters(s).AsEnumerable().Reverse());
        }

        return Sequences.Iterate(value).Reverse().ToList();
    }

    private static List<object?> Sort(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("sort", "reverse", "case_sensitive", "attribute");
        var reverse = PyOps.IsTruthy(args.Get(0, "reverse", false));
        var caseSensitive = PyOps.IsTruthy(args.Get(1, "case_sensitive", false));
        return StableSort(Sequences.Iterate(value), SortKey(args.Get(2, "attribute"), caseSensitive), reverse, maxDepth: evaluator.Limits.MaxDepth);
    }

    /// <summary>Python's stable sort (List.Sort is not stable, so ties fall back to the original index).</summary>
    private static List<object?> StableSort(IReadOnlyList<object?> items, Func<object?, object?> key, bool reverse, int maxDepth)
    {
        var indexed = items.Select((item, i) => (Key: key(item), Index: i, Item: item)).ToList();
        try
        {
            indexed.Sort((a, b) =>
            {
                var c = PyOps.Compare(a.Key, b.Key, maxDepth);
                return c != 0 ? (reverse ? -c : c) : a.Index.CompareTo(b.Index);
            });
        }
        catch (InvalidOperationException e) when (e.InnerException is ChatTemplateException inner)
        {
            // List.Sort wraps comparer exceptions; the template error inside is the one to report.
            ExceptionDispatchInfo.Throw(inner);
        }

        return indexed.Select(x => x.Item).ToList();
    }

    private static List<object?> Unique(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("unique", "case_sensitive", "attribute");
        var key = SortKey(args.Get(1, "attribute"), PyOps.IsTruthy(args.Get(0, "case_sensitive", false)));
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in Sequences.Iterate(value))
        {
            var k = key(item);
            if (!seen.Any(s => PyOps.AreEqual(s, k)))
            {
                seen.Add(k);
                result.Add(item);
            }
        }

        return result;
    }

    private static object? Sum(Evaluator evaluator, object? value, CallArgs args)
    {
        args.Check("sum", "attribute", "start");
        var items = Sequences.Iterate(value);
        if (args.Get(0, "attribute") is { } attribute)
        {
            items = items.Select(AttributeGetter(attribute)).ToList();
        }

        return items.Aggregate(args.Get(1, "start", 0L), (total, item) => PyArithmetic.Binary("+", total, item, evaluator.Limits.MaxOutputChars));
    }

    private static object? MinMax(Evaluator evaluator, object? value, CallArgs args, string name)
    {
        args.Check(name, "case_sensitive", "attribute");
        var key = SortKey(args.Get(1, "attribute"), PyOps.IsTruthy(args.Get(0, "case_sensitive", false)));
        var items = Sequences.Iterate(value);
        if (items.Count == 0)
        {
            return new Undefined(name);
        }

        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            var c = PyOps.Compare(key(item), key(best), evaluator.Limits.MaxDepth);
            if (name == "min" ? c < 0 : c > 0)
            {
                best = item;
            }
        }

        return best;
    }

    /// <summary>The key Jinja sorts and de-duplicates by: the attribute (if any), lower-cased unless case-sensitive.</summary>
    private static Func<object?, object?> SortKey(object? attribute, bool caseSensitive)
    {
        var getter = attribute is null ? (item => item) : AttributeGetter(attribute);
        return item => getter(item) is string s && !caseSensitive ? s.ToLowerInvariant() : getter(item);
    }

    /// <summary>Jinja's <c>make_attrgetter</c>: <c>"a.b.0"</c> looks up each dotted part with <c>getitem</c> (digits as indices).</summary>
    private static Func<object?, object?> AttributeGetter(object? attribute)
    {
        var parts = attribute switch
        {
            string s => s.Split('.').Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? (object)i : p).ToArray(),
            long l => [l],
            _ => throw new ChatTemplateException($"attribute must be a string or an int, got {PyText.TypeName(attribute)}"),
        };
        return item =>
        {
            foreach (var part in parts)
            {
                item = Evaluator.GetItem(item, part);
            }

            return item;
        };
    }
}
