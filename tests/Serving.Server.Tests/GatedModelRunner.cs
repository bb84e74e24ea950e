using Serving.Engine.Execution;

namespace Serving.Server.Tests;

/// <summary>Wraps the real runner so a test can hold the engine loop inside <see cref="Forward"/> (gate closed) and learn
/// when a step has started: deterministic "the request is in the engine and cannot progress" without timing.</summary>
internal sealed class GatedModelRunner(IModelRunner inner) : IModelRunner
{
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private readonly SemaphoreSlim _stepPermits = new(0);
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stepByStep;

    public int VocabSize => inner.VocabSize;

    public int BlockSize => inner.BlockSize;

    public int NumBlocks => inner.NumBlocks;

    /// <summary>Completes when the next <see cref="Forward"/> call starts (re-armed by <see cref="Close"/>).</summary>
    public Task Entered => Volatile.Read(ref _entered).Task;

    public void Close()
    {
        Volatile.Write(ref _entered, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _gate.Reset();
    }

    public void Open() => _gate.Set();

    /// <summary>From now on each <see cref="Forward"/> waits for one permit from <see cref="AllowSteps"/>: the test decides
    /// exactly how many engine steps run.</summary>
    public void StepByStep() => _stepByStep = true;

    public void AllowSteps(int count) => _stepPermits.Release(count);

    public void Forward(ForwardBatch batch, Span<float> logits)
    {
        Volatile.Read(ref _entered).TrySetResult();
        _gate.Wait(TimeSpan.FromSeconds(30));
        if (_stepByStep)
        {
            _stepPermits.Wait(TimeSpan.FromSeconds(30));
        }

        inner.Forward(batch, logits);
    }

    public void CopyBlock(int source, int destination) => inner.CopyBlock(source, destination);

    public void Dispose()
    {
        _gate.Set();
        _stepByStep = false;
        _stepPermits.Release(int.MaxValue / 2);
        inner.Dispose();
        _gate.Dispose();
    }
}
