using System.Collections.Concurrent;
using System.Text.Json;
using Serving.Engine.Gguf;
using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

/// <summary>The llama.cpp oracle files in ../shared/testdata (tokenizer.*.json) and the tokenizers of their models, loaded once.</summary>
internal static class TokenizerVectors
{
    public const string Stories = "tokenizer.stories260K.json";
    public const string Llama2 = "tokenizer.llama2-tiny-random.json";
    public const string Llama3 = "tokenizer.bpe-llama3-tiny-random.json";
    public const string Qwen2 = "tokenizer.bpe-qwen2-tiny-random.json";

    private static readonly ConcurrentDictionary<string, Lazy<VectorFile>> Files = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> Tokenizers = new(StringComparer.Ordinal);

    /// <summary>(file, case id) for every case of the given files.</summary>
    public static TheoryData<string, string> CaseIds(params string[] files)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in files)
        {
            foreach (var id in Load(file).Cases.Keys)
            {
                data.Add(file, id);
            }
        }

        return data;
    }

    public static VectorCase Get(string file, string id) => Load(file).Cases[id];

    /// <summary>The tokenizer of the model a vector file was produced from.</summary>
    public static Tokenizer TokenizerFor(string file) => ModelTokenizer(Load(file).ModelFile);

    public static Tokenizer ModelTokenizer(string modelFile) => Tokenizers.GetOrAdd(modelFile, f => new Lazy<Tokenizer>(() =>
    {
        using var gguf = GgufFile.Open(SharedData.Model(f));
        return Tokenizer.FromGguf(gguf);
    })).Value;

    private static VectorFile Load(string file) => Files.GetOrAdd(file, f => new Lazy<VectorFile>(() => Parse(f))).Value;

    private static VectorFile Parse(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(SharedData.TestData(file)));
        var root = json.RootElement;
        var cases = new Dictionary<string, VectorCase>(StringComparer.Ordinal);
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var id = c.GetProperty("id").GetString()!;
            cases[id] = new VectorCase(
                c.GetProperty("text").GetString()!,
                Ids(c, "ids")!,
                Ids(c, "ids_with_bos")!,
                c.GetProperty("detok").GetString()!,
                c.GetProperty("detok_with_bos").GetString()!,
                Ids(c, "ids_parse_special"),
                c.TryGetProperty("detok_parse_special", out var d) ? d.GetString() : null,
                c.TryGetProperty("detok_parse_special_unparsed", out var u) ? u.GetString() : null);
        }

        return new VectorFile(root.GetProperty("model").GetProperty("file").GetString()!, cases);
    }

    private static int[]? Ids(JsonElement c, string name) =>
        c.TryGetProperty(name, out var ids) ? [.. ids.EnumerateArray().Select(e => e.GetInt32())] : null;

    private sealed record VectorFile(string ModelFile, Dictionary<string, VectorCase> Cases);
}

/// <summary>One oracle case: llama.cpp's ids and detokenized text for one input.</summary>
internal sealed record VectorCase(
    string Text, int[] Ids, int[] IdsWithBos, string Detok, string DetokWithBos,
    int[]? IdsParseSpecial, string? DetokParseSpecial, string? DetokParseSpecialUnparsed);
