using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Serving.Engine.ChatTemplates;

namespace Serving.Engine.Tests.ChatTemplates;

/// <summary>Loads ../shared/testdata/chat_templates/cases.json and the templates it names (each parsed once).</summary>
internal static class ChatTemplateCases
{
    /// <summary>The clock every vector was rendered with (a Friday).</summary>
    public static readonly DateTimeOffset FixedNow = new(2024, 7, 26, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<Dictionary<string, JsonObject>> Cases = new(Load);
    private static readonly ConcurrentDictionary<string, ChatTemplate> Templates = new(StringComparer.Ordinal);

    public static string Directory => SharedData.TestData("chat_templates");

    public static IEnumerable<object[]> Ids => Cases.Value.Keys.Select(id => new object[] { id });

    public static JsonObject Get(string id) => Cases.Value[id];

    public static ChatTemplate Template(string file) =>
        Templates.GetOrAdd(file, f => ChatTemplate.Parse(File.ReadAllText(Path.Combine(Directory, f))));

    private static Dictionary<string, JsonObject> Load()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "cases.json")))!.AsObject();
        return root["cases"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => (string)c["id"]!, StringComparer.Ordinal);
    }
}
