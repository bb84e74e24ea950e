using BenchmarkDotNet.Attributes;
using Serving.Sampling;
using Serving.Scheduler;
using Serving.Scheduler.Requests;
using Serving.Scheduler.Scheduling;
using RequestScheduler = Serving.Scheduler.Scheduling.Scheduler;

namespace Serving.Benchmarks;

/// <summary>The scheduler's per-step cost with 256 running decodes: plan, batch layout and the update that appends each
/// sequence's token (STYLE B1). The model is not involved. Each iteration starts from 256 freshly prefilled 100-token
/// sequences and runs 512 decode steps, which their 64 blocks each hold without preemption.</summary>
[MemoryDiagnoser]
[InvocationCount(512)]
public class SchedulerBenchmarks
{
    private const int NumSeqs = 256;
    private RequestScheduler _scheduler = null!;
    private int[] _sampled = null!;
    private readonly List<Request> _finished = [];

    [Params(16)]
    public int BlockSize { get; set; }

    [IterationSetup]
    public void Setup()
    {
        var options = new SchedulerOptions { MaxNumSeqs = NumSeqs, MaxNumBatchedTokens = NumSeqs * 128, EnablePrefixCaching = true };
        _scheduler = new RequestScheduler(options, BlockSize, numBlocks: NumSeqs * 64, eosTokenIds: []);
        var parameters = new SamplingParams { Temperature = 0f, MaxTokens = 900_000, IgnoreEos = true };
        for (var r = 0; r < NumSeqs; r++)
        {
            int[] prompt = [.. Enumerable.Range(0, 100).Select(i => 1 + ((r * 131) + i) % 30000)];
            _scheduler.AddRequest(new Request($"r{r}", prompt, new SequenceSamplingState(parameters, prompt, 32000), 0));
        }

        _sampled = new int[NumSeqs];
        Array.Fill(_sampled, 42);
        _scheduler.UpdateFromOutput(_scheduler.Schedule(), _sampled, _finished);
        _scheduler.CheckInvariants();
    }

    /// <summary>One decode step for 256 sequences: Schedule, build the ForwardBatch, apply the sampled tokens.</summary>
    [Benchmark]
    public int DecodeStep256()
    {
        var output = _scheduler.Schedule();
        var batch = BatchBuilder.Build(output, _scheduler.KVCacheManager);
        _scheduler.UpdateFromOutput(output, _sampled, _finished);
        return batch.NumTokens;
    }
}
