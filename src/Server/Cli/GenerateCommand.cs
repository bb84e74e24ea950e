using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Model;
using Serving.Engine.Tokenization;

namespace Serving.Server.Cli;

/// <summary><c>serving generate</c>: one prompt, one greedy completion, no server. Prints the completion text, or with
/// <c>--json</c> <c>{"token_ids": [...], "text": "..."}</c> for the generated tokens only.</summary>
internal static class GenerateCommand
{
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "ignore-eos", "json" };

    public static Task<int> RunAsync(string[] args) => Task.FromResult(Run(args, Console.Out));

    /// <summary>Runs the command, writing its result to <paramref name="output"/>; errors are <see cref="CliException"/>.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var a = CliArgs.Parse(args, Switches);
        var path = a.Require("model");
        var prompt = a.Require("prompt");
        var maxTokens = a.GetInt("max-tokens", 128);
        var temperature = a.GetFloat("temperature", 0f);
        a.GetLongOrNull("seed"); // accepted for forward compatibility: greedy decoding draws no random numbers
        var ignoreEos = a.Flag("ignore-eos");
        var kvType = CliModel.ParseKVCacheDataType(a.Get("kv-cache-dtype"));
        var threads = a.GetInt("threads", Environment.ProcessorCount);
        var json = a.Flag("json");
        a.EnsureAllRead();
        if (maxTokens < 0 || threads < 1)
        {
            throw new CliException("--max-tokens must be >= 0 and --threads >= 1");
        }

        if (temperature != 0f)
        {
            throw new CliException("only --temperature 0 (greedy) is supported by generate so far");
        }

        using var file = CliModel.Load(path, () => GgufFile.Open(path));
        var contextLength = CliModel.Load(path, () => ModelConfig.FromGguf(file)).ContextLength;
        var tokenizer = CliModel.Load(path, () => Tokenizer.FromGguf(file));
        var promptIds = tokenizer.Encode(prompt, addSpecial: true, parseSpecial: false);
        if (promptIds.Length == 0)
        {
            throw new CliException("the prompt is empty and the model adds no BOS token");
        }

        if (promptIds.Length >= contextLength)
        {
            throw new CliException($"the prompt is {promptIds.Length} tokens; the model's context length is {contextLength}");
        }

        var budget = Math.Min(maxTokens, contextLength - promptIds.Length);
        var options = new ModelRunnerOptions
        {
            NumBlocks = CliModel.BlocksFor(promptIds.Length + budget, 16),
            BlockSize = 16,
            KVCacheDataType = kvType,
            Threads = threads,
        };
        using var runner = CliModel.Load(path, () => new ModelRunner(file, options));
        var generated = budget == 0 ? [] : new Generator(runner).GenerateGreedy(promptIds, budget, ignoreEos ? null : tokenizer.EosIds);
        var text = CompletionText(tokenizer, promptIds, generated);
        output.Write(json ? ToJson(generated, text) + "\n" : text + "\n");
        return 0;
    }

    /// <summary>The text the generated tokens add: <c>detok(prompt + generated)</c> minus its prefix <c>detok(prompt)</c>, so a
    /// token that merges with the prompt's last bytes (or a leading space rule) decodes as it would in context.</summary>
    private static string CompletionText(Tokenizer tokenizer, int[] promptIds, List<int> generated)
    {
        var full = tokenizer.Decode([.. promptIds, .. generated]);
        var prefix = tokenizer.Decode(promptIds);
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full[prefix.Length..] : tokenizer.Decode(generated.ToArray());
    }

    private static string ToJson(List<int> tokenIds, string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("token_ids");
            foreach (var id in tokenIds)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
