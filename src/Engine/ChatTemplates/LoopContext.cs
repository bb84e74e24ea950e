namespace Serving.Engine.ChatTemplates;

/// <summary>The <c>loop</c> variable inside a <c>for</c> body: position, length and neighbours of the current item.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    private readonly IReadOnlyList<object?> _items = items;

    /// <summary>Zero-based position of the current item.</summary>
    public int Index0 { get; set; }

    /// <summary>The <c>loop.*</c> attribute called <paramref name="name"/>; undefined for unknown names and missing neighbours.</summary>
    public object? Get(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)Index0 + 1,
        "revindex0" => (long)(_items.Count - Index0 - 1),
        "revindex" => (long)(_items.Count - Index0),
        "first" => Index0 == 0,
        "last" => Index0 == _items.Count - 1,
        "length" => (long)_items.Count,
        // Recursive loops are not supported, so every loop is at depth 1.
        "depth0" => 0L,
        "depth" => 1L,
        "previtem" => Index0 > 0 ? _items[Index0 - 1] : new Undefined("loop.previtem"),
        "nextitem" => Index0 + 1 < _items.Count ? _items[Index0 + 1] : new Undefined("loop.nextitem"),
        "cycle" => new BuiltinFunction("loop.cycle", (_, args) => args.Positional.Count == 0
            ? throw new ChatTemplateException("no items for cycling given")
            : args.Positional[Index0 % args.Positional.Count]),
        _ => new Undefined("loop." + name),
    };
}
