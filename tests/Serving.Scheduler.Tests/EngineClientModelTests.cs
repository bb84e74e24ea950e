using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Tests;
using Serving.Engine.Tokenization;
using Serving.Sampling;

namespace Serving.Scheduler.Tests;

/// <summary>The consumer-side text path on the real model and tokenizer: detokenized stream text and stop strings.</summary>
public class EngineClientModelTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddRequest_Detokenizer_StreamsTheOracleCompletionText()
    {
        var (prompt, completionText) = OracleCase("gen-once-upon");
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));
        var tokenizer = Tokenizer.FromGguf(file);
        using var runner = Runner(file);
        using var client = new EngineClient(runner, tokenizer.EosIds, TestScheduler.Options(), new FakeTimeProvider());

        var updates = await ReadAllAsync(client.AddRequest(Request(prompt, tokenizer, TestRequests.Greedy(48) with { IgnoreEos = true })));

        Assert.Equal(completionText, string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task AddRequest_StopString_TextEndsBeforeItAndRequestStops()
    {
        var (prompt, completionText) = OracleCase("gen-once-upon");
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));
        var tokenizer = Tokenizer.FromGguf(file);
        using var runner = Runner(file);
        using var client = new EngineClient(runner, tokenizer.EosIds, TestScheduler.Options(), new FakeTimeProvider());

        var parameters = TestRequests.Greedy(48) with { IgnoreEos = true, Stop = ["Lily."] };
        var updates = await ReadAllAsync(client.AddRequest(Request(prompt, tokenizer, parameters)));

        Assert.Equal(", there was a little girl named ", string.Concat(updates.Select(u => u.Text)));
        Assert.StartsWith(", there was a little girl named Lily.", completionText, StringComparison.Ordinal);
        Assert.Equal((FinishReason.Stop, "Lily."), (updates[^1].FinishReason, updates[^1].StopString));
        Assert.True(updates[^1].NumOutputTokens < 48);
    }

    private static ModelRunner Runner(GgufFile file) =>
        new(file, new ModelRunnerOptions { NumBlocks = 16, BlockSize = 16, KVCacheDataType = KVCacheDataType.F32, Threads = 2 });

    private static EngineRequest Request(int[] prompt, Tokenizer tokenizer, SamplingParams parameters) => new()
    {
        RequestId = "text",
        PromptTokenIds = prompt,
        SamplingParams = parameters,
        CreateDetokenizer = TokenizerDetokenizer.Factory(tokenizer, prompt),
    };

    private static async Task<List<RequestOutput>> ReadAllAsync(AddRequestResult result)
    {
        var updates = new List<RequestOutput>();
        await foreach (var update in result.Outputs!.WithCancellation(new CancellationTokenSource(HangGuard).Token))
        {
            updates.Add(update);
        }

        return updates;
    }

    private static (int[] Prompt, string CompletionText) OracleCase(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData("greedy.stories260K.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        return ([.. c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32())], c.GetProperty("completion_text").GetString() ?? string.Empty);
    }
}
