using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Model;
using Serving.Engine.Tokenization;

namespace Serving.Server.Cli;

/// <summary><c>serving bench</c>: single-sequence prefill and decode throughput, measured as ../shared/peer/bench.mjs measures
/// llama.cpp (same prompt text, warm-up first, greedy, EOS ignored, median of runs), so the two print comparable numbers.</summary>
internal static class BenchCommand
{
    /// <summary>The peer benchmark's prompt text, tokenized without BOS and repeated as needed.</summary>
    private const string PromptText =
        "Once upon a time, in a small village at the edge of a great forest, there lived a curious girl " +
        "named Lily who loved to explore. Every morning she walked past the old mill, listened to the river and " +
        "counted the birds on the fence. One day she found a small wooden box hidden under the roots of an oak tree. " +
        "Inside the box was a map that showed a path through the forest to a hill where, people said, the stars " +
        "came down to rest at night. Lily packed bread, cheese and a lantern, told her brother where she was going, " +
        "and set off before the sun was high. ";

    private const int BlockSize = 16;

    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "json" };

    public static Task<int> RunAsync(string[] args) => Task.FromResult(Run(args, Console.Out));

    /// <summary>Runs the command, writing its result to <paramref name="output"/>; errors are <see cref="CliException"/>.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var a = CliArgs.Parse(args, Switches);
        var path = a.Require("model");
        var threads = a.GetInt("threads", 2);
        var runs = a.GetInt("runs", 3);
        var prefillTokens = a.GetInt("prefill-tokens", 512);
        var decodePromptTokens = a.GetInt("decode-prompt-tokens", 32);
        var decodeTokens = a.GetInt("decode-tokens", 128);
        var kvType = CliModel.ParseKVCacheDataType(a.Get("kv-cache-dtype"));
        var json = a.Flag("json");
        var batched = BatchedBench.Settings.Parse(a);
        a.EnsureAllRead();
        if (threads < 1 || runs < 1 || prefillTokens < 1 || decodePromptTokens < 1 || decodeTokens < 1)
        {
            throw new CliException("--threads, --runs, --prefill-tokens, --decode-prompt-tokens and --decode-tokens must be >= 1");
        }

        using var file = CliModel.Load(path, () => GgufFile.Open(path));
        var config = CliModel.Load(path, () => ModelConfig.FromGguf(file));
        var tokenizer = CliModel.Load(path, () => Tokenizer.FromGguf(file));
        var capacity = Math.Max(prefillTokens, decodePromptTokens + decodeTokens + 1);
        if (capacity > config.ContextLength)
        {
            throw new CliException($"the benchmark needs {capacity} tokens of context; the model's context length is {config.ContextLength}");
        }

        var options = new ModelRunnerOptions { NumBlocks = CliModel.BlocksFor(capacity, BlockSize), BlockSize = BlockSize, KVCacheDataType = kvType, Threads = threads };
        using var runner = CliModel.Load(path, () => new ModelRunner(file, options));
        var generator = new Generator(runner);
        var textTokens = tokenizer.Encode(PromptText, addSpecial: false, parseSpecial: false);
        int[] Prompt(int n) => BuildPrompt(tokenizer.BosId, textTokens, n);

        // Warm-up, as the peer does: pages the mapped weights in and JIT-compiles every kernel before anything is timed.
        generator.GenerateGreedy(Prompt(16), 4);
        var prefill = Enumerable.Range(0, runs).Select(_ => prefillTokens / MeasurePrefill(generator, Prompt(prefillTokens))).ToArray();
        var decode = Enumerable.Range(0, runs).Select(_ => decodeTokens / MeasureDecode(generator, Prompt(decodePromptTokens), decodeTokens)).ToArray();
        var batchedResults = BatchedBench.Run(file, options, config.ContextLength, tokenizer.EosIds,
            (seq, n) => BuildPrompt(tokenizer.BosId, textTokens, n, offset: seq * 7), batched, runs);
        var result = new BenchResult(path, threads, runs, kvType, prefillTokens, decodePromptTokens, decodeTokens, prefill, decode,
            batchedResults, Process.GetCurrentProcess().PeakWorkingSet64);
        output.Write((json ? result.ToJson() : result.ToText()) + "\n");
        return 0;
    }

    /// <summary>BOS (when the vocabulary has one), then the text's tokens repeated from <paramref name="offset"/> on,
    /// <paramref name="n"/> ids in all (batched sequences use different offsets so their prompts differ).</summary>
    private static int[] BuildPrompt(int bosId, int[] textTokens, int n, int offset = 0)
    {
        var ids = new int[n];
        var first = bosId >= 0 ? 1 : 0;
        if (first == 1)
        {
            ids[0] = bosId;
        }

        for (var i = first; i < n; i++)
        {
            ids[i] = textTokens[(i - first + offset) % textTokens.Length];
        }

        return ids;
    }

    /// <summary>Seconds from an empty sequence to the first generated token: one forward pass over the prompt and argmax.</summary>
    private static double MeasurePrefill(Generator generator, int[] prompt)
    {
        generator.Reset();
        var start = TimeProvider.System.GetTimestamp();
        Generator.ArgMax(generator.Append(prompt));
        return TimeProvider.System.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Seconds for <paramref name="count"/> single-token steps after the prompt and its first token (not timed).</summary>
    private static double MeasureDecode(Generator generator, int[] prompt, int count)
    {
        generator.Reset();
        var next = Generator.ArgMax(generator.Append(prompt));
        var start = TimeProvider.System.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            next = Generator.ArgMax(generator.Append([next]));
        }

        return TimeProvider.System.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Samples and their summary; JSON field names are the peer's.</summary>
    private sealed record BenchResult(string Model, int Threads, int Runs, KVCacheDataType KVType, int PrefillTokens, int DecodePromptTokens,
        int DecodeTokens, double[] PrefillSamples, double[] DecodeSamples, List<BatchedBench.Result> Batched, long PeakRssBytes)
    {
        public string ToText() => string.Create(CultureInfo.InvariantCulture,
            $"serving engine, {Threads} threads, KV cache {KVType}, median of {Runs} (min-max)\n" +
            $"model {Path.GetFullPath(Model)}\n" +
            $"  prefill {PrefillTokens} tok        {Summary(PrefillSamples)} tok/s\n" +
            $"  decode {DecodeTokens} tok (1 seq)   {Summary(DecodeSamples)} tok/s\n" +
            $"{string.Concat(Batched.Select(b => b.ToText() + "\n"))}" +
            $"  peak RSS {PeakRssBytes / 1048576.0:F1} MiB");

        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("engine", "serving");
                w.WriteString("model", Path.GetFullPath(Model));
                w.WriteNumber("model_file_bytes", new FileInfo(Model).Length);
                w.WriteNumber("threads", Threads);
                w.WriteNumber("runs", Runs);
                w.WriteString("kv_cache_dtype", KVType.ToString().ToLowerInvariant());
                w.WriteNumber("prefill_tokens", PrefillTokens);
                w.WriteNumber("decode_prompt_tokens", DecodePromptTokens);
                w.WriteNumber("decode_tokens", DecodeTokens);
                w.WriteNumber("prefill_tok_s", Math.Round(Median(PrefillSamples), 2));
                w.WriteNumber("decode_tok_s", Math.Round(Median(DecodeSamples), 2));
                w.WriteStartArray("batched");
                foreach (var b in Batched)
                {
                    b.WriteJson(w);
                }

                w.WriteEndArray();
                w.WriteNumber("peak_rss_bytes", PeakRssBytes);
                w.WriteStartObject("stats");
                WriteStats(w, "prefill_tok_s", PrefillSamples);
                WriteStats(w, "decode_tok_s", DecodeSamples);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void WriteStats(Utf8JsonWriter w, string name, double[] samples)
        {
            w.WriteStartObject(name);
            w.WriteNumber("min", Math.Round(samples.Min(), 2));
            w.WriteNumber("median", Math.Round(Median(samples), 2));
            w.WriteNumber("max", Math.Round(samples.Max(), 2));
            w.WriteStartArray("samples");
            foreach (var s in samples)
            {
                w.WriteNumberValue(Math.Round(s, 2));
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static string Summary(double[] samples) =>
            string.Create(CultureInfo.InvariantCulture, $"{Median(samples):F1} ({samples.Min():F1}-{samples.Max():F1})");

        private static double Median(double[] samples)
        {
            var sorted = samples.Order().ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}
