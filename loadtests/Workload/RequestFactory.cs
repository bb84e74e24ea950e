using System.Text.Json;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Workload;

/// <summary>
/// Turns a request's sequence number into its body. Everything random about request i comes from a generator seeded
/// with (seed, i), so a run is repeatable whatever order requests happen to start in.
/// </summary>
internal sealed class RequestFactory(ScenarioConfig config, string model, PromptFactory prompts, IReadOnlyList<string>? dataset)
{
    private readonly WorkloadConfig _workload = config.Workload;

    public RequestPlan Create(int index)
    {
        var random = new Random(SeedMixer.Mix(config.Seed, index));
        // The abort draw comes first so that which requests abort does not depend on the prompt lengths.
        var abort = _workload.Stream && random.NextDouble() < config.AbortFraction;
        var prompt = dataset is { Count: > 0 }
            ? dataset[random.Next(dataset.Count)]
            : prompts.Create(_workload.PromptTokens.Sample(random), random);
        var maxTokens = _workload.MaxTokens.Sample(random);
        return new RequestPlan
        {
            Index = index,
            Chat = _workload.Chat,
            Stream = _workload.Stream,
            Body = WriteBody(prompt, maxTokens, unchecked(config.Seed + index)),
            AbortAfterChunks = abort ? config.AbortAfterChunks : null,
        };
    }

    private byte[] WriteBody(string prompt, int maxTokens, int seed)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            if (_workload.Chat)
            {
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", prompt);
                json.WriteEndObject();
                json.WriteEndArray();
            }
            else
            {
                json.WriteString("prompt", prompt);
            }

            json.WriteNumber("max_tokens", maxTokens);
            json.WriteNumber("temperature", _workload.Temperature);
            json.WriteNumber("seed", seed);
            if (_workload.IgnoreEos)
            {
                json.WriteBoolean("ignore_eos", true);
            }

            json.WriteBoolean("stream", _workload.Stream);
            if (_workload.Stream)
            {
                json.WriteStartObject("stream_options");
                json.WriteBoolean("include_usage", true);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a prompts file: one prompt per line, plain text or a JSON object with "prompt" or "text".</summary>
    public static IReadOnlyList<string> LoadDataset(string path)
    {
        var prompts = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (!trimmed.StartsWith('{'))
            {
                prompts.Add(trimmed);
                continue;
            }

            using var document = JsonDocument.Parse(trimmed);
            var root = document.RootElement;
            var text = root.TryGetProperty("prompt", out var p) ? p.GetString()
                : root.TryGetProperty("text", out var t) ? t.GetString()
                : throw new FormatException($"{path}: a JSON line needs a \"prompt\" or \"text\" field");
            prompts.Add(text ?? string.Empty);
        }

        return prompts.Count > 0 ? prompts : throw new FormatException($"{path}: no prompts");
    }
}
