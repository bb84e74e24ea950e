using System.Globalization;
using System.Text.Json;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Scheduler;

namespace Serving.Server.Cli;

/// <summary>The batched part of <c>serving bench</c>: N sequences with their own prompts submitted together through the
/// real scheduler (<see cref="EngineClient"/>), measured as ../shared/peer/bench.mjs measures llama.cpp's batched decode.</summary>
internal static class BatchedBench
{
    /// <summary>Sequence counts, prompt length and generated tokens per sequence.</summary>
    public sealed record Settings(IReadOnlyList<int> Seqs, int PromptTokens, int GenTokens)
    {
        /// <summary>Reads <c>--batch-seqs 4,8,16 --batch-prompt-tokens 32 --batch-gen-tokens 128</c> (the peer's defaults);
        /// <c>--batch-seqs 0</c> skips the batched runs.</summary>
        public static Settings Parse(CliArgs a)
        {
            var seqs = a.GetIntList("batch-seqs", [4, 8, 16]).Where(n => n != 0).ToArray();
            var settings = new Settings(seqs, a.GetInt("batch-prompt-tokens", 32), a.GetInt("batch-gen-tokens", 128));
            if (seqs.Any(n => n < 0) || settings.PromptTokens < 1 || settings.GenTokens < 2)
            {
                throw new CliException("--batch-seqs must be >= 1 (or 0 for none), --batch-prompt-tokens >= 1, --batch-gen-tokens >= 2");
            }

            return settings;
        }
    }

    /// <summary>One sequence count's medians over the runs; JSON names are the peer's.</summary>
    public sealed record Result(int Seqs, double AggDecodeTokS, double AggE2ETokS, double TtftMs, double TtftMaxMs)
    {
        public string ToText() => string.Create(CultureInfo.InvariantCulture,
            $"  batched {Seqs,2} seqs     decode {AggDecodeTokS:F1} tok/s, e2e {AggE2ETokS:F1} tok/s, TTFT {TtftMs:F1} ms (max {TtftMaxMs:F1})");

        public void WriteJson(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteNumber("seqs", Seqs);
            w.WriteNumber("agg_decode_tok_s", Math.Round(AggDecodeTokS, 2));
            w.WriteNumber("agg_e2e_tok_s", Math.Round(AggE2ETokS, 2));
            w.WriteNumber("ttft_ms", Math.Round(TtftMs, 2));
            w.WriteNumber("ttft_max_ms", Math.Round(TtftMaxMs, 2));
            w.WriteEndObject();
        }
    }

    /// <summary>Runs every sequence count <paramref name="runs"/> times on its own runner and engine.
    /// <paramref name="prompt"/> gives sequence i's prompt of n tokens.</summary>
    public static List<Result> Run(GgufFile file, ModelRunnerOptions runnerOptions, int contextLength, IReadOnlyList<int> eosTokenIds,
        Func<int, int, int[]> prompt, Settings settings, int runs)
    {
        var results = new List<Result>();
        if (settings.Seqs.Count == 0)
        {
            return results;
        }

        var numTokens = settings.PromptTokens + settings.GenTokens;
        if (numTokens > contextLength)
        {
            throw new CliException($"the batched benchmark needs {numTokens} tokens per sequence; the model's context length is {contextLength}");
        }

        var numBlocks = CliModel.BlocksFor(numTokens, runnerOptions.BlockSize) * settings.Seqs.Max();
        using var runner = new ModelRunner(file, runnerOptions with { NumBlocks = numBlocks });
        foreach (var seqs in settings.Seqs)
        {
            // NOTE: no prefix caching, so repeated runs recompute their prompts as the peer does.
            var options = new SchedulerOptions { MaxNumSeqs = seqs, MaxNumBatchedTokens = Math.Max(2048, seqs * settings.PromptTokens), MaxModelLen = contextLength, EnablePrefixCaching = false };
            using var client = new EngineClient(runner, eosTokenIds, options, TimeProvider.System);
            MeasureAsync(client, prompt, seqs, settings.PromptTokens, 4).GetAwaiter().GetResult();
            var samples = Enumerable.Range(0, runs).Select(_ => MeasureAsync(client, prompt, seqs, settings.PromptTokens, settings.GenTokens).GetAwaiter().GetResult()).ToArray();
            results.Add(new Result(seqs, Median(samples, s => s.AggDecodeTokS), Median(samples, s => s.AggE2ETokS), Median(samples, s => s.TtftMs), Median(samples, s => s.TtftMaxMs)));
        }

        return results;
    }

    /// <summary>One run: submit all sequences at once, read their streams concurrently, time first and last tokens.</summary>
    private static async Task<Result> MeasureAsync(EngineClient client, Func<int, int, int[]> prompt, int seqs, int promptTokens, int genTokens)
    {
        var time = TimeProvider.System;
        var parameters = new Sampling.SamplingParams { Temperature = 0f, MaxTokens = genTokens, IgnoreEos = true };
        var start = time.GetTimestamp();
        var streams = Enumerable.Range(0, seqs).Select(i => client.AddRequest(new EngineRequest
        {
            RequestId = $"bench-{i}",
            PromptTokenIds = prompt(i, promptTokens),
            SamplingParams = parameters,
        }).Outputs ?? throw new CliException("the engine refused a benchmark request")).ToArray();
        var timings = await Task.WhenAll(streams.Select(s => ReadAsync(s, time))).ConfigureAwait(false);

        var lastFirstToken = timings.Max(t => t.First);
        var lastToken = timings.Max(t => t.Last);
        var ttfts = timings.Select(t => time.GetElapsedTime(start, t.First).TotalMilliseconds).ToArray();
        return new Result(
            seqs,
            seqs * (genTokens - 1) / time.GetElapsedTime(lastFirstToken, lastToken).TotalSeconds,
            seqs * genTokens / time.GetElapsedTime(start, lastToken).TotalSeconds,
            Median(ttfts, t => t),
            ttfts.Max());
    }

    private static async Task<(long First, long Last)> ReadAsync(IAsyncEnumerable<RequestOutput> outputs, TimeProvider time)
    {
        long first = 0, last = 0;
        await foreach (var output in outputs.ConfigureAwait(false))
        {
            if (output.NewTokenIds.Count > 0)
            {
                last = time.GetTimestamp();
                first = first == 0 ? last : first;
            }
        }

        return (first, last);
    }

    private static double Median<T>(IEnumerable<T> samples, Func<T, double> value)
    {
        var sorted = samples.Select(value).Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
