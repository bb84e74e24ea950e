using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serving.Engine.ChatTemplates;

/// <summary>Turns JSON input (messages, tools, special tokens) into template values, keeping object key order and
/// the int/float distinction of the JSON text (<c>1</c> is an int, <c>1.0</c> a float, as <c>json.loads</c> gives).</summary>
internal static class JsonValues
{
    public static object? FromNode(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(node.ToJsonString());
        return FromElement(doc.RootElement);
    }

    public static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.Array => element.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.Object => Object(element),
        _ => throw new ChatTemplateException($"unsupported JSON value kind {element.ValueKind}"),
    };

    private static object Number(JsonElement element)
    {
        var raw = element.GetRawText();
        var isInteger = raw.AsSpan().IndexOfAny(".eE") < 0;
        if (isInteger && element.TryGetInt64(out var l))
        {
            return l;
        }

        // NOTE: integers beyond 64 bits (Python would keep them exact) degrade to float; no chat input carries them.
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static OrderedDictionary<object, object?> Object(JsonElement element)
    {
        var dict = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
        foreach (var property in element.EnumerateObject())
        {
            // Duplicate keys: the last one wins, as in json.loads.
            dict[property.Name] = FromElement(property.Value);
        }

        return dict;
    }
}
