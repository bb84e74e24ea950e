namespace Serving.Engine.ChatTemplates;

/// <summary>The Python <c>str</c> methods templates call (<c>content.strip()</c>, <c>content.split('&lt;/think&gt;')</c>...).</summary>
internal static class StringMethods
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "strip", "lstrip", "rstrip", "split", "startswith", "endswith", "upper", "lower", "replace", "title", "capitalize",
        "find", "count", "join", "format",
    };

    public static bool Has(string name) => Names.Contains(name);

    public static object? Invoke(string s, string name, CallArgs args, ChatTemplateLimits limits)
    {
        switch (name)
        {
            case "strip" or "lstrip" or "rstrip":
                args.Check(name, "chars");
                return PyString.Strip(s, OptionalString(args.Get(0, "chars"), name), name != "rstrip", name != "lstrip");
            case "split":
                args.Check(name, "sep", "maxsplit");
                return PyString.Split(s, OptionalString(args.Get(0, "sep"), name), Integer(args.Get(1, "maxsplit", -1L), name));
            case "startswith" or "endswith":
                args.Check(name, "prefix");
                return Affixes(args.Get(0, "prefix"), name).Any(a => name == "startswith"
                    ? s.StartsWith(a, StringComparison.Ordinal)
                    : s.EndsWith(a, StringComparison.Ordinal));
            case "upper":
                args.Check(name);
                return s.ToUpperInvariant();
            case "lower":
                args.Check(name);
                return s.ToLowerInvariant();
            case "title":
                args.Check(name);
                return PyString.Title(s);
            case "capitalize":
                args.Check(name);
                return PyString.Capitalize(s);
            case "replace":
                args.Check(name, "old", "new", "count");
                return Replace(s, RequiredString(args.Get(0, "old"), name), RequiredString(args.Get(1, "new"), name), Integer(args.Get(2, "count", -1L), name), limits.MaxOutputChars);
            case "find":
                args.Check(name, "sub");
                var at = s.IndexOf(RequiredString(args.Get(0, "sub"), name), StringComparison.Ordinal);
                return at < 0 ? -1L : (long)PyString.Length(s[..at]);
            case "count":
                args.Check(name, "sub");
                var sub = RequiredString(args.Get(0, "sub"), name);
                return sub.Length == 0 ? PyString.Length(s) + 1L : (long)((s.Length - s.Replace(sub, "", StringComparison.Ordinal).Length) / sub.Length);
            case "join":
                args.Check(name, "iterable");
                return string.Join(s, Sequences.Iterate(args.Get(0, "iterable")).Select(v => v is string str ? str
                    : throw new ChatTemplateException($"sequence item: expected str instance, {PyText.TypeName(v)} found")));
            case "format":
                return PyFormat.Braces(s, args);
            default:
                throw new InvalidOperationException($"unknown string method {name}");
        }
    }

    /// <summary>Python's <c>str.replace</c> (an empty <paramref name="old"/> inserts between every character), bounded in length.</summary>
    public static string Replace(string s, string old, string replacement, long count, int maxLength)
    {
        if (count < 0 && old.Length > 0)
        {
            var occurrences = (s.Length - s.Replace(old, "", StringComparison.Ordinal).Length) / old.Length;
            if (s.Length + ((long)occurrences * (replacement.Length - old.Length)) > maxLength)
            {
                throw new ChatTemplateException($"template output limit exceeded ({maxLength} characters)");
            }

            return s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var parts = old.Length == 0 ? PyString.Characters(s).Cast<string>().ToList() : s.Split(old).ToList();
        if (old.Length == 0)
        {
            parts.Insert(0, "");
            parts.Add("");
        }

        var sb = new System.Text.StringBuilder(parts[0]);
        for (var i = 1; i < parts.Count; i++)
        {
            sb.Append(count < 0 || i <= count ? replacement : old).Append(parts[i]);
            if (sb.Length > maxLength)
            {
                throw new ChatTemplateException($"template output limit exceeded ({maxLength} characters)");
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Affixes(object? value, string method) => value switch
    {
        string s => [s],
        object?[] tuple => tuple.Select(v => RequiredString(v, method)),
        _ => throw new ChatTemplateException($"{method} first arg must be str or a tuple of str, not {PyText.TypeName(value)}"),
    };

    private static string? OptionalString(object? value, string method) => value is null ? null : RequiredString(value, method);

    private static string RequiredString(object? value, string method) =>
        value as string ?? throw new ChatTemplateException($"{method}() argument must be str, not {PyText.TypeName(value)}");

    private static long Integer(object? value, string method) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new ChatTemplateException($"{method}() argument must be int, not {PyText.TypeName(value)}"),
    };
}
