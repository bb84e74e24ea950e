using Serving.Engine.Execution;

namespace Serving.Server.Tests;

/// <summary>Wraps the real runner so a test can hold the engine loop inside <see cref="Forward"/> (gate closed) and learn
/// when a step has started: deterministic "the request is in the engine and cannot progress" without timing.</summary>
internal sealed class GatedModelRunner(IModelRunner inner) : IModelRunner
{
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    public void Forward(ForwardBatch batch, Span<float> logits)
    {
        Volatile.Read(ref _entered).TrySetResult();
        _gate.Wait(TimeSpan.FromSeconds(30));
        inner.Forward(batch, logits);
    }

    public void CopyBlock(int source, int destination) => inner.CopyBlock(source, destination);

    public void Dispose()
    {
        _gate.Set();
        inner.Dispose();
        _gate.Dispose();
    }
}
