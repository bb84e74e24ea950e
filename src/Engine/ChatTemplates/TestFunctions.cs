namespace Serving.Engine.ChatTemplates;

/// <summary>Jinja's tests (<c>x is defined</c>, <c>x is not none</c>, <c>selectattr("role", "equalto", "user")</c>) with
/// Python's type rules: <c>string</c>, <c>mapping</c>, <c>iterable</c>, <c>number</c> (bool included, as in Jinja).</summary>
internal static class TestFunctions
{
    private static readonly Dictionary<string, Func<object?, CallArgs, Evaluator, bool>> Tests = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, _, _) => v is not Undefined,
        ["undefined"] = (v, _, _) => v is Undefined,
        ["none"] = (v, _, _) => v is null,
        ["string"] = (v, _, _) => v is string,
        ["mapping"] = (v, _, _) => v is OrderedDictionary<object, object?>,
        ["iterable"] = (v, _, _) => v is string or IReadOnlyList<object?> or OrderedDictionary<object, object?> or Undefined,
        ["sequence"] = (v, _, _) => v is string or IReadOnlyList<object?> or OrderedDictionary<object, object?> or Undefined,
        ["number"] = (v, _, _) => v is bool or long or double,
        ["integer"] = (v, _, _) => v is long,
        ["float"] = (v, _, _) => v is double,
        ["boolean"] = (v, _, _) => v is bool,
        ["true"] = (v, _, _) => v is true,
        ["false"] = (v, _, _) => v is false,
        ["callable"] = (v, _, _) => v is PyCallable,
        ["lower"] = (v, _, _) => v is string s && s.Any(char.IsLetter) && string.Equals(s, s.ToLowerInvariant(), StringComparison.Ordinal),
        ["upper"] = (v, _, _) => v is string s && s.Any(char.IsLetter) && string.Equals(s, s.ToUpperInvariant(), StringComparison.Ordinal),
        ["odd"] = (v, _, _) => Integer(v, "odd") % 2 != 0,
        ["even"] = (v, _, _) => Integer(v, "even") % 2 == 0,
        ["divisibleby"] = (v, a, _) => Integer(v, "divisibleby") % Integer(Argument(a, "divisibleby"), "divisibleby") == 0,
        ["in"] = (v, a, _) => PyOps.Contains(Argument(a, "in"), v),
        ["sameas"] = (v, a, _) => SameAs(v, Argument(a, "sameas")),
        ["escaped"] = (_, _, _) => false,
        ["filter"] = (v, _, _) => v is string name && Filters.Exists(name),
        ["test"] = (v, _, _) => v is string name && Exists(name),
    };

    static TestFunctions()
    {
        foreach (var (op, names) in new[]
                 {
                     ("==", new[] { "eq", "equalto", "==" }), ("!=", ["ne", "!="]), ("<", ["lt", "lessthan", "<"]),
                     ("<=", ["le", "<="]), (">", ["gt", "greaterthan", ">"]), (">=", ["ge", ">="]),
                 })
        {
            foreach (var name in names)
            {
                Tests[name] = (v, a, ev) => Compare(op, v, Argument(a, name), ev);
            }
        }
    }

    public static bool Exists(string name) => Tests.ContainsKey(name);

    public static bool Run(string name, object? value, CallArgs args, Evaluator evaluator) =>
        Tests.TryGetValue(name, out var test) ? test(value, args, evaluator) : throw new ChatTemplateException($"no test named '{name}'");

    private static bool Compare(string op, object? x, object? y, Evaluator evaluator)
    {
        var depth = evaluator.Limits.MaxDepth;
        return op switch
        {
            "==" => PyOps.AreEqual(x, y, depth),
            "!=" => !PyOps.AreEqual(x, y, depth),
            "<" => PyOps.Compare(x, y, depth) < 0,
            "<=" => PyOps.Compare(x, y, depth) <= 0,
            ">" => PyOps.Compare(x, y, depth) > 0,
            _ => PyOps.Compare(x, y, depth) >= 0,
        };
    }

    private static object? Argument(CallArgs args, string test) =>
        args.Positional.Count == 1 && args.Named.Count == 0 ? args.Positional[0] : throw new ChatTemplateException($"test '{test}' takes one argument");

    private static long Integer(object? value, string test) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new ChatTemplateException($"test '{test}' needs an integer, got {PyText.TypeName(value)}"),
    };

    /// <summary>Python's <c>is</c>: None, True and False are singletons; other values compare by identity.</summary>
    private static bool SameAs(object? x, object? y) => (x, y) switch
    {
        (null, null) => true,
        (bool a, bool b) => a == b,
        _ => ReferenceEquals(x, y),
    };
}
