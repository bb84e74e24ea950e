using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Model;
using Serving.Engine.Tokenization;
using Serving.Sampling;

namespace Serving.Server.Cli;

/// <summary><c>serving generate</c>: one prompt, one completion (greedy at temperature 0, else seeded sampling), no server. Prints the completion text, or with
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
        var seed = a.GetLongOrNull("seed");
        var ignoreEos = a.Flag("ignore-eos");
        var kvType = CliModel.ParseKVCacheDataType(a.Get("kv-cache-dtype"));
        var threads = a.GetInt("threads", Environment.ProcessorCount);
        var json = a.Flag("json");
        a.EnsureAllRead();
        if (maxTokens < 0 || threads < 1)
        {
            throw new CliException("--max-tokens must be >= 0 and --threads >= 1");
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
        var parameters = new SamplingParams { Temperature = temperature, Seed = seed, MaxTokens = budget, IgnoreEos = ignoreEos };
        using var runner = CliModel.Load(path, () => new ModelRunner(file, options));
        var generated = budget == 0 ? [] : Sample(new Generator(runner), promptIds, parameters, tokenizer.EosIds);
        var text = CompletionText(tokenizer, promptIds, generated);
        output.Write(json ? ToJson(generated, text) + "\n" : text + "\n");
        return 0;
    }

    /// <summary>Prefill, then one token per step through the <see cref="Sampler"/> until EOS or the token budget; the stop
    /// token itself is not part of the output.</summary>
    private static List<int> Sample(Generator generator, int[] promptIds, SamplingParams parameters, IReadOnlyList<int> eosIds)
    {
        var sampler = new Sampler(generator.VocabSize, eosIds);
        SequenceSamplingState state;
        try
        {
            state = new SequenceSamplingState(parameters, promptIds, generator.VocabSize);
        }
        catch (SamplingParamsException e)
        {
            throw new CliException($"--{e.Param.Replace('_', '-')}: {e.Message}");
        }

        var generated = new List<int>(parameters.MaxTokens);
        var logits = generator.Append(promptIds);
        while (true)
        {
            var token = sampler.Sample(logits, parameters, state).TokenId;
            state.Append(token);
            var finish = StopConditions.Check(token, parameters, state, eosIds);
            if (finish == FinishReason.Stop)
            {
                return generated;
            }

            generated.Add(token);
            if (finish is not null || generator.Length == generator.Capacity)
            {
                return generated;
            }

            logits = generator.Append([token]);
        }
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
