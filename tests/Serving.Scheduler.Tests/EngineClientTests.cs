using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Serving.Sampling;
using Serving.Scheduler.Metrics;

namespace Serving.Scheduler.Tests;

public class EngineClientTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AddRequest_ConcurrentGreedyRequests_StreamTheirOracleTokens()
    {
        using var client = new EngineClient(new FakeModelRunner(numBlocks: 32), [], TestScheduler.Options(maxNumBatchedTokens: 16), new FakeTimeProvider());
        var prompts = Enumerable.Range(0, 8).Select(r => TestRequests.Prompt(r, 5 + r)).ToArray();

        var streams = prompts.Select((p, r) => client.AddRequest(Request($"r{r}", p, maxTokens: 10)).Outputs!).ToArray();
        var results = await Task.WhenAll(streams.Select(ReadAllAsync)).WaitAsync(HangGuard);

        for (var r = 0; r < prompts.Length; r++)
        {
            Assert.Equal(FakeModelRunner.Generate(prompts[r], 10, 97), results[r].SelectMany(u => u.NewTokenIds));
            Assert.Equal(FinishReason.Length, results[r][^1].FinishReason);
        }

        Assert.Equal(32, client.GetStats().NumFreeBlocks);
    }

    [Fact]
    public async Task IsRunning_RunnerThrows_StreamFailsAndLoopReportsStopped()
    {
        using var client = new EngineClient(new ThrowingRunner(), [], TestScheduler.Options(), new FakeTimeProvider());
        Assert.True(client.IsRunning);

        var outputs = client.AddRequest(Request("a", TestRequests.Prompt(1, 4), maxTokens: 3)).Outputs!;

        await Assert.ThrowsAnyAsync<Exception>(() => ReadAllAsync(outputs).WaitAsync(HangGuard));
        Assert.True(SpinWait.SpinUntil(() => !client.IsRunning, HangGuard));
        Assert.Equal(AddRequestError.EngineStopped, client.AddRequest(Request("b", TestRequests.Prompt(2, 4), maxTokens: 1)).Error);
    }

    [Fact]
    public void AddRequest_PromptPlusMaxTokensBeyondContext_IsRefusedUpFront()
    {
        var options = TestScheduler.Options(maxModelLen: 32);
        using var client = new EngineClient(new FakeModelRunner(), [], options, new FakeTimeProvider());

        var result = client.AddRequest(Request("long", TestRequests.Prompt(1, 30), maxTokens: 3));

        Assert.Null(result.Outputs);
        Assert.Equal(AddRequestError.TooLong, result.Error);
        Assert.Contains("maximum context length is 32 tokens", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRequest_StopEnumeratingEarly_AbortsTheRequestAndFreesItsBlocks()
    {
        using var meterFactory = new TestMeterFactory();
        using var finished = new MetricCollector<long>(meterFactory, SchedulerMetrics.MeterName, "serving.request_success");
        using var gate = new SemaphoreSlim(1);
        using var client = new EngineClient(new FakeModelRunner(numBlocks: 32) { Gate = gate }, [], TestScheduler.Options(), new FakeTimeProvider(), meterFactory);

        await using (var stream = client.AddRequest(Request("a", TestRequests.Prompt(1, 6), maxTokens: 100)).Outputs!.GetAsyncEnumerator())
        {
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard));
        }

        // The abort is queued behind the step blocked at the gate; a later request completing proves it was handled.
        gate.Release(1000);
        await ReadAllAsync(client.AddRequest(Request("b", TestRequests.Prompt(2, 3), maxTokens: 1)).Outputs!).WaitAsync(HangGuard);

        Assert.Equal(32, client.GetStats().NumFreeBlocks);
        Assert.Equal(0, client.GetStats().NumRunning);
        var abort = Assert.Single(finished.GetMeasurementSnapshot(), m => (string?)m.Tags["finished_reason"] == "abort");
        Assert.Equal(1, abort.Value);
    }

    [Fact]
    public async Task AddRequest_StopStringInDetokenizedText_EndsWithStopAndTruncatedText()
    {
        using var client = new EngineClient(new FakeModelRunner(numBlocks: 32), [], TestScheduler.Options(), new FakeTimeProvider());
        var prompt = TestRequests.Prompt(3, 5);
        var text = string.Concat(FakeModelRunner.Generate(prompt, 20, 97).Select(LetterDetokenizer.TextOf));
        var stop = text.Substring(6, 2);

        var request = Request("s", prompt, maxTokens: 20) with { SamplingParams = TestRequests.Greedy(20) with { Stop = [stop] }, CreateDetokenizer = () => new LetterDetokenizer() };
        var updates = await ReadAllAsync(client.AddRequest(request).Outputs!).WaitAsync(HangGuard);

        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(FinishReason.Stop, updates[^1].FinishReason);
        Assert.Equal(stop, updates[^1].StopString);
        await ReadAllAsync(client.AddRequest(Request("after", prompt, maxTokens: 1)).Outputs!).WaitAsync(HangGuard);
        Assert.Equal(32, client.GetStats().NumFreeBlocks);
    }

    [Fact]
    public async Task AddRequest_TwoChoicesWithStopString_EachChoiceStopsOnItsOwnAndTheStreamEnds()
    {
        using var client = new EngineClient(new FakeModelRunner(numBlocks: 32), [], TestScheduler.Options(), new FakeTimeProvider());
        var prompt = TestRequests.Prompt(3, 5);
        var text = string.Concat(FakeModelRunner.Generate(prompt, 20, 97).Select(LetterDetokenizer.TextOf));
        var stop = text.Substring(4, 2);

        var request = Request("s", prompt, maxTokens: 20) with
        {
            N = 2,
            SamplingParams = TestRequests.Greedy(20) with { Stop = [stop] },
            CreateDetokenizer = () => new LetterDetokenizer(),
        };
        var updates = await ReadAllAsync(client.AddRequest(request).Outputs!).WaitAsync(HangGuard);

        for (var index = 0; index < 2; index++)
        {
            var choice = updates.Where(u => u.Index == index).ToList();
            Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], string.Concat(choice.Select(u => u.Text)));
            Assert.Equal((FinishReason.Stop, stop), (choice[^1].FinishReason, choice[^1].StopString));
        }

        Assert.Equal(AddRequestError.TooManyChoices, client.AddRequest(request with { RequestId = "many", N = 300 }).Error);
    }

    [Fact]
    public async Task AddRequest_RunnerThrows_FailsOpenStreamsAndRefusesNewRequests()
    {
        var runner = new FakeModelRunner { FailNextForward = new IOException("device lost") };
        using var client = new EngineClient(runner, [], TestScheduler.Options(), new FakeTimeProvider());

        var stream = client.AddRequest(Request("a", TestRequests.Prompt(1, 4), maxTokens: 4)).Outputs!;

        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream).WaitAsync(HangGuard));
        Assert.Equal(AddRequestError.EngineStopped, client.AddRequest(Request("b", TestRequests.Prompt(1, 4), maxTokens: 4)).Error);
    }

    [Fact]
    public async Task AddRequest_QueueFull_RefusesWithTooManyRequests()
    {
        using var gate = new SemaphoreSlim(0);
        var options = TestScheduler.Options(maxNumSeqs: 1);
        options.MaxWaitingRequests = 1;
        using var client = new EngineClient(new FakeModelRunner { Gate = gate }, [], options, new FakeTimeProvider());

        var first = client.AddRequest(Request("a", TestRequests.Prompt(1, 4), maxTokens: 1));
        var second = client.AddRequest(Request("b", TestRequests.Prompt(2, 4), maxTokens: 1));
        var third = client.AddRequest(Request("c", TestRequests.Prompt(3, 4), maxTokens: 1));
        gate.Release(10);

        Assert.Equal(AddRequestError.TooManyRequests, third.Error);
        await Task.WhenAll(ReadAllAsync(first.Outputs!), ReadAllAsync(second.Outputs!)).WaitAsync(HangGuard);
    }

    private static EngineRequest Request(string requestId, int[] prompt, int maxTokens) =>
        new() { RequestId = requestId, PromptTokenIds = prompt, SamplingParams = TestRequests.Greedy(maxTokens) };

    private static async Task<List<RequestOutput>> ReadAllAsync(IAsyncEnumerable<RequestOutput> outputs)
    {
        var updates = new List<RequestOutput>();
        await foreach (var update in outputs)
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Token id → one lowercase letter, so stop strings can be placed exactly.</summary>
    private sealed class LetterDetokenizer : IIncrementalDetokenizer
    {
        public static string TextOf(int tokenId) => ((char)('a' + (tokenId % 26))).ToString();

        public string Decode(int tokenId) => TextOf(tokenId);

        public string Flush() => string.Empty;
    }

    /// <summary>A model runner whose every forward pass fails, as a broken backend would.</summary>
    private sealed class ThrowingRunner : Serving.Engine.Execution.IModelRunner
    {
        public int VocabSize => 97;

        public int BlockSize => 16;

        public int NumBlocks => 8;

        public void Forward(Serving.Engine.Execution.ForwardBatch batch, Span<float> logits) => throw new InvalidOperationException("backend failed");

        public void CopyBlock(int source, int destination)
        {
        }

        public void Dispose()
        {
        }
    }
}
