namespace Serving.Engine.ChatTemplates;

/// <summary>The Python <c>dict</c> methods templates call: <c>get</c>, <c>items</c>, <c>keys</c>, <c>values</c> (read-only, as in the sandbox).</summary>
internal static class DictMethods
{
    public static bool Has(string name) => name is "get" or "items" or "keys" or "values";

    public static object? Invoke(OrderedDictionary<object, object?> dict, string name, CallArgs args)
    {
        switch (name)
        {
            case "get":
                args.Check(name, "key", "default");
                if (!args.Has(0, "key"))
                {
                    throw new ChatTemplateException("get() takes at least 1 argument (0 given)");
                }

                var key = args.Get(0, "key");
                return key is not null and not Undefined && dict.TryGetValue(key, out var value) ? value : args.Get(1, "default");
            case "items":
                args.Check(name);
                return Items(dict);
            case "keys":
                args.Check(name);
                return dict.Keys.Cast<object?>().ToList();
            case "values":
                args.Check(name);
                return dict.Values.ToList();
            default:
                throw new InvalidOperationException($"unknown dict method {name}");
        }
    }

    /// <summary>The (key, value) pairs in insertion order, as tuples.</summary>
    public static List<object?> Items(OrderedDictionary<object, object?> dict) =>
        dict.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList();
}
