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
    private static readonly Lazy<Dictionary<string, JsonObject>> Disagreements = new(() => LoadList("reference_disagreements.json", "disagreements"));
    private static readonly ConcurrentDictionary<string, ChatTemplate> Templates = new(StringComparer.Ordinal);

    public static string Directory => SharedData.TestData("chat_templates");

    public static IEnumerable<object[]> Ids => Cases.Value.Keys.Select(id => new object[] { id });

    /// <summary>reference_disagreements.json cases where Python Jinja2 (transformers) renders without <c>|safe</c>'s
    /// Markup escaping: Python semantics (<c>"" != false</c>, undefined iterates as empty) are what this engine implements.</summary>
    public static IEnumerable<object[]> PythonDisagreementIds => Disagreements.Value
        .Where(kv => !((string?)kv.Value["python_jinja2"]!["expected"] ?? "").Contains("&#34;", StringComparison.Ordinal))
        .Select(kv => new object[] { kv.Key });

    public static JsonObject Get(string id) => Cases.Value[id];

    public static JsonObject GetDisagreement(string id) => Disagreements.Value[id];

    public static ChatTemplate Template(string file) =>
        Templates.GetOrAdd(file, f => ChatTemplate.Parse(File.ReadAllText(Path.Combine(Directory, f))));

    private static Dictionary<string, JsonObject> Load() => LoadList("cases.json", "cases");

    private static Dictionary<string, JsonObject> LoadList(string file, string key)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, file)))!.AsObject();
        return root[key]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => (string)c["id"]!, StringComparer.Ordinal);
    }
}
