using System.Numerics.Tensors;

namespace Serving.Engine.Execution;

/// <summary>One sequence over a whole <see cref="IModelRunner"/>: its cache occupies blocks 0, 1, 2, ... in order. The
/// single-sequence path of the CLI (<c>generate</c>, <c>bench</c>) and of the oracle tests; serving goes through the scheduler.</summary>
public sealed class Generator
{
    /// <summary>Prompt rows per forward pass (llama.cpp's default <c>n_batch</c>): bounds the activations of a long prompt.</summary>
    public const int MaxChunkTokens = 512;

    private readonly IModelRunner _runner;
    private readonly int[] _blockTable;
    private readonly float[] _logits;

    /// <summary>The one-token batch, reused by every decode step (its arrays are rewritten in place, so decoding allocates nothing).</summary>
    private readonly ForwardBatch _decodeBatch;

    public Generator(IModelRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
        _blockTable = Enumerable.Range(0, runner.NumBlocks).ToArray();
        _logits = new float[runner.VocabSize];
        _decodeBatch = new ForwardBatch
        {
            TokenIds = [0],
            Positions = [0],
            QueryStarts = [0, 1],
            ContextLengths = [1],
            BlockTables = [_blockTable],
            SlotMapping = [0],
            LogitsRows = [0],
        };
    }

    /// <summary>Length of one logits row.</summary>
    public int VocabSize => _runner.VocabSize;

    /// <summary>Tokens in the sequence so far.</summary>
    public int Length { get; private set; }

    /// <summary>The most tokens the sequence can hold.</summary>
    public int Capacity => _runner.NumBlocks * _runner.BlockSize;

    /// <summary>Starts a new, empty sequence (the old cache entries are simply overwritten).</summary>
    public void Reset() => Length = 0;

    /// <summary>Appends <paramref name="tokens"/> (a prompt, or one decoded token) and returns the logits after the last one;
    /// the span is valid until the next call.</summary>
    public ReadOnlySpan<float> Append(scoped ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty || Length + tokens.Length > Capacity)
        {
            throw new InvalidOperationException($"cannot append {tokens.Length} tokens to a sequence of {Length} with capacity {Capacity}");
        }

        if (tokens.Length == 1)
        {
            var blockSize = _runner.BlockSize;
            _decodeBatch.TokenIds[0] = tokens[0];
            _decodeBatch.Positions[0] = Length;
            _decodeBatch.ContextLengths[0] = Length + 1;
            _decodeBatch.SlotMapping[0] = (_blockTable[Length / blockSize] * blockSize) + (Length % blockSize);
            _runner.Forward(_decodeBatch, _logits);
            Length++;
            return _logits;
        }

        for (var start = 0; start < tokens.Length; start += MaxChunkTokens)
        {
            var chunk = tokens.Slice(start, Math.Min(MaxChunkTokens, tokens.Length - start));
            _runner.Forward(ForwardBatch.ForSingleSequence(chunk, Length, _blockTable, _runner.BlockSize), _logits);
            Length += chunk.Length;
        }

        return _logits;
    }

    /// <summary>Greedy generation from a fresh sequence: up to <paramref name="maxTokens"/> tokens after
    /// <paramref name="prompt"/>, stopping before any of <paramref name="stopTokenIds"/> (end-of-generation tokens; none
    /// ignores them), or when the cache is full.</summary>
    public List<int> GenerateGreedy(ReadOnlySpan<int> prompt, int maxTokens, IReadOnlyCollection<int>? stopTokenIds = null)
    {
        Reset();
        var generated = new List<int>(maxTokens);
        var logits = Append(prompt);
        while (generated.Count < maxTokens)
        {
            var next = ArgMax(logits);
            if (stopTokenIds is not null && stopTokenIds.Contains(next))
            {
                break;
            }

            generated.Add(next);
            if (generated.Count == maxTokens || Length == Capacity)
            {
                break;
            }

            logits = Append([next]);
        }

        return generated;
    }

    /// <summary>Greedy choice: the index of the largest logit, the lowest such index on ties (llama.cpp's greedy sampler).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => TensorPrimitives.IndexOfMax(logits);
}
