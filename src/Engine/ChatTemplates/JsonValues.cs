using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serving.Engine.ChatTemplates;

/// <summary>Turns JSON input (messages, tools, extra variables) into template values, keeping object key order and
/// the int/float distinction of the JSON text (<c>1</c> is an int, <c>1.0</c> a float, as <c>json.loads</c> gives).</summary>
internal static class JsonValues
{
    private const int MaxDepth = 256;

    public static object? FromNode(JsonNode? node, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new ChatTemplateException($"template input nested deeper than {MaxDepth} levels");
        }

        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                return array.Select(item => FromNode(item, depth + 1)).ToList();
            case JsonObject obj:
                var dict = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
                foreach (var (key, value) in obj)
                {
                    dict[key] = FromNode(value, depth + 1);
                }

                return dict;
            default:
                return Scalar(node.AsValue());
        }
    }

    private static object? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => value.GetValue<string>(),

        // NOTE: parsed nodes keep their source text ("1.0" stays a float); a node built from the CLR double 1.0 writes
        // "1" and so becomes an int, which is why callers should pass request JSON as parsed.
        JsonValueKind.Number => Number(value.ToJsonString()),
        var kind => throw new ChatTemplateException($"unsupported JSON value kind {kind}"),
    };

    private static object Number(string raw)
    {
        var isInteger = raw.AsSpan().IndexOfAny(".eE") < 0;
        if (isInteger && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        // NOTE: integers beyond 64 bits (Python would keep them exact) degrade to float; no chat input carries them.
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
