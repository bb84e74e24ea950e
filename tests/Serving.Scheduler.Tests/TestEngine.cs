using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Serving.Engine.Execution;
using Serving.Sampling;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Tests;

/// <summary>An <see cref="EngineCore"/> over a <see cref="FakeModelRunner"/> and a fake clock, stepped synchronously by the
/// test with invariants checked after every step.</summary>
internal sealed class TestEngine : IDisposable
{
    private readonly Dictionary<string, ChannelReader<RequestOutput>> _outputs = [];

    private readonly IModelRunner _runner;

    public TestEngine(int blockSize = 4, int numBlocks = 64, int maxNumBatchedTokens = 2048, int maxNumSeqs = 256, bool enablePrefixCaching = true, int[]? eosTokenIds = null, int vocabSize = 97, IMeterFactory? meterFactory = null)
        : this(new FakeModelRunner(vocabSize, blockSize, numBlocks), TestScheduler.Options(maxNumBatchedTokens, maxNumSeqs, enablePrefixCaching), eosTokenIds ?? [], meterFactory)
    {
    }

    /// <summary>An engine over any runner (the real model in model tests); the engine owns and disposes it.</summary>
    public TestEngine(IModelRunner runner, SchedulerOptions options, int[] eosTokenIds, IMeterFactory? meterFactory = null)
    {
        _runner = runner;
        Core = new EngineCore(runner, eosTokenIds, options, Time, meterFactory);
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeModelRunner Runner => (FakeModelRunner)_runner;

    public EngineCore Core { get; }

    public Request Add(string requestId, IReadOnlyList<int> prompt, SamplingParams parameters, int n = 1)
    {
        var request = new Request(requestId, prompt, new SequenceSamplingState(parameters, prompt.ToArray(), _runner.VocabSize), Time.GetTimestamp(), n);
        var channel = Channel.CreateUnbounded<RequestOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _outputs.Add(requestId, channel.Reader);
        Assert.True(Core.Post(new AddRequestCommand(request, channel.Writer)));
        return request;
    }

    public Request Add(string requestId, IReadOnlyList<int> prompt, int maxTokens = 8) => Add(requestId, prompt, TestRequests.Greedy(maxTokens));

    public void Abort(string requestId, FinishReason reason = FinishReason.Abort) => Core.Post(new AbortRequestCommand(requestId, reason));

    public bool Step()
    {
        var ran = Core.Step();
        Core.Scheduler.AssertInvariants();
        return ran;
    }

    public int RunUntilIdle(int maxSteps = 100_000)
    {
        var steps = 0;
        while (Step())
        {
            Assert.True(++steps < maxSteps, "engine did not go idle");
        }

        return steps;
    }

    /// <summary>Every update published so far for <paramref name="requestId"/>.</summary>
    public List<RequestOutput> Drain(string requestId)
    {
        var updates = new List<RequestOutput>();
        while (_outputs[requestId].TryRead(out var output))
        {
            updates.Add(output);
        }

        return updates;
    }

    public bool IsCompleted(string requestId) => _outputs[requestId].Completion.IsCompleted;

    /// <summary>The greedy-or-sampled token stream of each request, after running until idle.</summary>
    public List<int> Tokens(string requestId) => [.. Drain(requestId).SelectMany(u => u.NewTokenIds)];

    /// <summary>Each choice's updates, by choice index, from everything published so far.</summary>
    public List<RequestOutput>[] DrainChoices(string requestId, int n)
    {
        var updates = Drain(requestId);
        return [.. Enumerable.Range(0, n).Select(i => updates.Where(u => u.Index == i).ToList())];
    }

    public void Dispose()
    {
        Core.Dispose();
        _runner.Dispose();
    }
}
