namespace Serving.Engine.Execution;

/// <summary>The seam between scheduling and compute: runs one forward pass over a <see cref="ForwardBatch"/> against a paged
/// KV cache it owns. The CPU <c>ModelRunner</c> implements it; a GPU backend would be a second implementation.</summary>
/// <remarks>Not thread-safe: one caller (the engine loop) drives it.</remarks>
public interface IModelRunner : IDisposable
{
    /// <summary>Vocabulary size = length of one logits row.</summary>
    int VocabSize { get; }

    /// <summary>Tokens per KV-cache block.</summary>
    int BlockSize { get; }

    /// <summary>Number of blocks in the KV-cache pool (block ids are 0 .. NumBlocks - 1).</summary>
    int NumBlocks { get; }

    /// <summary>Runs the model over <paramref name="batch"/>: writes every row's K/V into its cache slot and the logits of
    /// <c>batch.LogitsRows</c> into <paramref name="logits"/> ([LogitsRows.Length, VocabSize], row-major).</summary>
    /// <remarks>Batch invariance: a row's logits depend only on its own sequence's tokens and cache, never on the other
    /// rows of the batch (fixed reduction order per row). <c>LogitsRows</c> may be empty (a prefill chunk that does not end
    /// its prompt). An inconsistent batch (row counts, block ids, slots or token ids out of range) throws
    /// <see cref="ArgumentException"/> before anything is written.</remarks>
    void Forward(ForwardBatch batch, Span<float> logits);

    /// <summary>Copies the K/V of every layer from block <paramref name="source"/> to <paramref name="destination"/>
    /// (copy-on-write of a shared block).</summary>
    void CopyBlock(int source, int destination);
}
