using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Model;
using Serving.Engine.Tokenization;
using Serving.Sampling;

namespace Serving.Server.Cli;

/// <summary><c>serving generate</c>: one prompt, one completion (greedy at temperature 0, else seeded sampling with every
/// sampling flag), no server. Prints the completion text, or with <c>--json</c>
/// <c>{"token_ids": [...], "text": "...", "finish_reason": "stop|length"[, "logprobs": [...]]}</c> for the generated tokens only.</summary>
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
        var parameters = new SamplingParams
        {
            Temperature = a.GetFloat("temperature", 0f),
            TopK = a.GetInt("top-k", 0),
            TopP = a.GetFloat("top-p", 1f),
            MinP = a.GetFloat("min-p", 0f),
            RepetitionPenalty = a.GetFloat("repetition-penalty", 1f),
            PresencePenalty = a.GetFloat("presence-penalty", 0f),
            FrequencyPenalty = a.GetFloat("frequency-penalty", 0f),
            Seed = a.GetLongOrNull("seed"),
            MinTokens = a.GetInt("min-tokens", 0),
            IgnoreEos = a.Flag("ignore-eos"),
            Stop = a.GetAll("stop"),
            Logprobs = a.GetIntOrNull("logprobs"),
        };
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
        parameters = parameters with { MaxTokens = budget };
        using var runner = CliModel.Load(path, () => new ModelRunner(file, options));
        var completion = budget == 0
            ? new Completion([], "", FinishReason.Length, [])
            : Sample(new Generator(runner), tokenizer, promptIds, parameters);
        output.Write(json ? ToJson(completion, parameters.Logprobs is not null) + "\n" : completion.Text + "\n");
        return 0;
    }

    /// <summary>Prefill, then one token per step through the <see cref="Sampler"/> until a stop condition, a stop string or
    /// the token budget. EOS and stop ids are not part of the output; text is the continuation of the prompt's text
    /// (<c>detok(prompt + generated)</c> minus <c>detok(prompt)</c>), cut before a matched stop string.</summary>
    private static Completion Sample(Generator generator, Tokenizer tokenizer, int[] promptIds, SamplingParams parameters)
    {
        var eosIds = tokenizer.EosIds;
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

        var detokenizer = tokenizer.CreateDetokenizer(skipSpecialTokens: true, promptIds);
        var stopStrings = new StopStringMatcher(parameters.Stop);
        var text = new StringBuilder();
        var generated = new List<int>(parameters.MaxTokens);
        var logprobs = new List<SampledToken>();
        var logits = generator.Append(promptIds);
        while (true)
        {
            var sampled = sampler.Sample(logits, parameters, state);
            state.Append(sampled.TokenId);
            var finish = StopConditions.Check(sampled.TokenId, parameters, state, eosIds);
            if (finish == FinishReason.Stop)
            {
                text.Append(stopStrings.Flush());
                return new Completion(generated, text.ToString(), FinishReason.Stop, logprobs);
            }

            generated.Add(sampled.TokenId);
            logprobs.Add(sampled);
            var match = stopStrings.Push(detokenizer.Add(sampled.TokenId));
            text.Append(match.Text);
            if (match.IsStopped)
            {
                return new Completion(generated, text.ToString(), FinishReason.Stop, logprobs);
            }

            if (finish is not null || generator.Length == generator.Capacity)
            {
                text.Append(stopStrings.Push(detokenizer.Flush()).Text).Append(stopStrings.Flush());
                return new Completion(generated, text.ToString(), FinishReason.Length, logprobs);
            }

            logits = generator.Append([sampled.TokenId]);
        }
    }

    private static string ToJson(Completion completion, bool withLogprobs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("token_ids");
            foreach (var id in completion.TokenIds)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WriteString("text", completion.Text);
            writer.WriteString("finish_reason", completion.FinishReason == FinishReason.Stop ? "stop" : "length");
            if (withLogprobs)
            {
                WriteLogprobs(writer, completion.Logprobs);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteLogprobs(Utf8JsonWriter writer, IReadOnlyList<SampledToken> tokens)
    {
        writer.WriteStartArray("logprobs");
        foreach (var token in tokens)
        {
            writer.WriteStartObject();
            writer.WriteNumber("token_id", token.TokenId);
            writer.WriteNumber("logprob", token.Logprob);
            writer.WriteStartArray("top_logprobs");
            foreach (var top in token.TopLogprobs ?? [])
            {
                writer.WriteStartObject();
                writer.WriteNumber("token_id", top.TokenId);
                writer.WriteNumber("logprob", top.Logprob);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>What <c>generate</c> prints: the generated ids, their text, why generation ended and each token's logprobs.</summary>
    private sealed record Completion(List<int> TokenIds, string Text, FinishReason FinishReason, List<SampledToken> Logprobs);
}
