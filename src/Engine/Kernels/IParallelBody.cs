namespace Serving.Engine.Kernels;

/// <summary>One parallel loop body for <see cref="WorkerPool.For{TBody}(int, ref TBody)"/>: a struct, so a call allocates nothing.</summary>
public interface IParallelBody
{
    /// <summary>Runs work item <paramref name="index"/>; called exactly once per index, from any pool thread.</summary>
    void Invoke(int index);
}
