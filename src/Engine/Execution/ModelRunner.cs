using System.Numerics.Tensors;
using Serving.Engine.Gguf;
using Serving.Engine.Kernels;
using Serving.Engine.Model;

namespace Serving.Engine.Execution;

/// <summary>The CPU forward pass of llama-family models (<c>llama</c>, <c>qwen2</c>) over a paged KV cache.</summary>
/// <remarks>
/// One step, for the batch's rows all at once (each weight matrix is read once per step, whatever the batch size):
/// <code>
///   embed → per layer: [RmsNorm → Q,K,V (+bias) → RoPE → K,V to slots → paged attention → O] + residual
///                      [RmsNorm → gate, up → SwiGLU → down] + residual
///         → final RmsNorm of the LogitsRows → output projection
/// </code>
/// Every per-row computation has a fixed order and the matmul result of a row does not depend on the other rows, so a
/// row's logits are bit-identical whatever else is in the batch (batch invariance). Not thread-safe: one caller.
/// </remarks>
public sealed class ModelRunner : IModelRunner
{
    private readonly GgufFile? _ownedFile;
    private readonly ModelWeights _weights;
    private readonly KVCacheStorage _cache;
    private readonly WorkerPool _pool;
    private readonly ForwardScratch _scratch;
    private readonly bool _exactWeights;

    /// <summary>Binds the model in <paramref name="file"/> (which must outlive the runner) and allocates the KV cache.</summary>
    /// <exception cref="ModelLoadException">Unknown architecture, missing metadata or missing/misshapen tensors.</exception>
    public ModelRunner(GgufFile file, ModelRunnerOptions options)
        : this(file, options, ownsFile: false)
    {
    }

    private ModelRunner(GgufFile file, ModelRunnerOptions options, bool ownsFile)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        Config = ModelConfig.FromGguf(file);
        _weights = ModelWeights.Load(file, Config);
        _cache = new KVCacheStorage(Config.NumLayers, Config.NumKVHeads, Config.HeadDim, options.NumBlocks, options.BlockSize, options.KVCacheDataType);
        _pool = new WorkerPool(options.Threads);
        _scratch = new ForwardScratch(Config);
        _exactWeights = options.ExactWeights;
        _ownedFile = ownsFile ? file : null;
    }

    public ModelConfig Config { get; }

    public int VocabSize => Config.VocabSize;

    public int BlockSize => _cache.BlockSize;

    public int NumBlocks => _cache.NumBlocks;

    /// <summary>Bytes of the KV-cache pool.</summary>
    public long KVCacheBytes => _cache.TotalBytes;

    /// <summary>Opens <paramref name="path"/> and binds the model; the runner owns the file and closes it on dispose.</summary>
    public static ModelRunner Open(string path, ModelRunnerOptions options)
    {
        var file = GgufFile.Open(path);
        try
        {
            return new ModelRunner(file, options, ownsFile: true);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Forward(ForwardBatch batch, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _scratch.EnsureCapacity(batch.NumTokens, batch.LogitsRows.Length);
        Validate(batch, logits);
        Embed(batch);
        PrepareRopeAngles(batch);
        for (var layer = 0; layer < Config.NumLayers; layer++)
        {
            AttentionBlock(layer, batch);
            FeedForwardBlock(layer, batch.NumTokens);
        }

        ComputeLogits(batch, logits);
    }

    public void CopyBlock(int source, int destination) => _cache.CopyBlock(source, destination);

    public void Dispose()
    {
        _cache.Dispose();
        _pool.Dispose();
        _ownedFile?.Dispose();
    }

    private void Embed(ForwardBatch batch)
    {
        var dim = Config.EmbeddingLength;
        for (var r = 0; r < batch.NumTokens; r++)
        {
            _weights.TokenEmbedding.DequantizeRow(batch.TokenIds[r], _scratch.Hidden.AsSpan(r * dim, dim));
        }
    }

    private void PrepareRopeAngles(ForwardBatch batch)
    {
        var half = Config.RopeDimensionCount / 2;
        for (var r = 0; r < batch.NumTokens; r++)
        {
            Rope.ComputeAngles(batch.Positions[r], Config.RopeFreqBase, Config.RopeFreqScale, _weights.RopeFrequencyFactors,
                _scratch.RopeCos.AsSpan(r * half, half), _scratch.RopeSin.AsSpan(r * half, half));
        }
    }

    private void AttentionBlock(int layer, ForwardBatch batch)
    {
        var w = _weights.Layers[layer];
        var s = _scratch;
        int n = batch.NumTokens, dim = Config.EmbeddingLength, qDim = Config.QueryDim, kvDim = Config.KVDim, half = Config.RopeDimensionCount / 2;
        NormRows(s.Hidden, w.AttentionNorm, s.Normed, n);
        MultiplyShared(s.Normed.AsSpan(0, n * dim), n, w.Query, s.Query.AsSpan(0, n * qDim), w.Key, s.Key.AsSpan(0, n * kvDim), w.Value, s.Value.AsSpan(0, n * kvDim));
        for (var r = 0; r < n; r++)
        {
            var q = s.Query.AsSpan(r * qDim, qDim);
            var k = s.Key.AsSpan(r * kvDim, kvDim);
            var v = s.Value.AsSpan(r * kvDim, kvDim);
            if (w.QueryBias is not null && w.KeyBias is not null && w.ValueBias is not null)
            {
                TensorPrimitives.Add(q, w.QueryBias, q);
                TensorPrimitives.Add(k, w.KeyBias, k);
                TensorPrimitives.Add(v, w.ValueBias, v);
            }

            var cos = s.RopeCos.AsSpan(r * half, half);
            var sin = s.RopeSin.AsSpan(r * half, half);
            Rope.Apply(q, Config.HeadDim, cos, sin, Config.Architecture.RopeStyle);
            Rope.Apply(k, Config.HeadDim, cos, sin, Config.Architecture.RopeStyle);
            _cache.Write(layer, batch.SlotMapping[r], k, v);
        }

        // NOTE: every row's K/V is in the cache before any row attends, so a prefill chunk sees its own earlier rows.
        PagedAttention.Run(_cache, layer, batch, s.RowSequence, s.Query, s.Attention, Config.NumHeads, s.TileStarts, _pool);
        Multiply(w.Output, s.Attention.AsSpan(0, n * qDim), n, s.Normed.AsSpan(0, n * dim));
        TensorPrimitives.Add(s.Hidden.AsSpan(0, n * dim), s.Normed.AsSpan(0, n * dim), s.Hidden.AsSpan(0, n * dim));
    }

    private void FeedForwardBlock(int layer, int n)
    {
        var w = _weights.Layers[layer];
        var s = _scratch;
        int dim = Config.EmbeddingLength, ffn = Config.FeedForwardLength;
        NormRows(s.Hidden, w.FeedForwardNorm, s.Normed, n);
        MultiplyShared(s.Normed.AsSpan(0, n * dim), n, w.Gate, s.Gate.AsSpan(0, n * ffn), w.Up, s.Up.AsSpan(0, n * ffn));
        Activations.SwiGlu(s.Gate.AsSpan(0, n * ffn), s.Up.AsSpan(0, n * ffn), s.Gate.AsSpan(0, n * ffn));
        Multiply(w.Down, s.Gate.AsSpan(0, n * ffn), n, s.Normed.AsSpan(0, n * dim));
        TensorPrimitives.Add(s.Hidden.AsSpan(0, n * dim), s.Normed.AsSpan(0, n * dim), s.Hidden.AsSpan(0, n * dim));
    }

    private void ComputeLogits(ForwardBatch batch, Span<float> logits)
    {
        var dim = Config.EmbeddingLength;
        var m = batch.LogitsRows.Length;
        if (m == 0)
        {
            return; // a prefill chunk that does not end its prompt needs no logits
        }

        for (var j = 0; j < m; j++)
        {
            var row = batch.LogitsRows[j];
            RmsNorm.Apply(_scratch.Hidden.AsSpan(row * dim, dim), _weights.OutputNorm, Config.RmsNormEpsilon, _scratch.LogitsInput.AsSpan(j * dim, dim));
        }

        Multiply(_weights.Output, _scratch.LogitsInput.AsSpan(0, m * dim), m, logits[..(m * Config.VocabSize)]);
    }

    private void NormRows(float[] x, float[] weight, float[] destination, int n)
    {
        var dim = Config.EmbeddingLength;
        for (var r = 0; r < n; r++)
        {
            RmsNorm.Apply(x.AsSpan(r * dim, dim), weight, Config.RmsNormEpsilon, destination.AsSpan(r * dim, dim));
        }
    }

    private void Multiply(WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y)
    {
        if (_exactWeights)
        {
            MatMul.MultiplyExact(w, x, n, y, _pool);
        }
        else
        {
            MatMul.Multiply(w, x, n, y, _pool);
        }
    }

    /// <summary>Products sharing one input (Q/K/V, gate/up); see <see cref="MatMul.MultiplyShared"/>.</summary>
    private void MultiplyShared(ReadOnlySpan<float> x, int n, WeightMatrix w0, Span<float> y0, WeightMatrix w1, Span<float> y1,
        WeightMatrix? w2 = null, Span<float> y2 = default)
    {
        if (_exactWeights)
        {
            Multiply(w0, x, n, y0);
            Multiply(w1, x, n, y1);
            if (w2 is not null)
            {
                Multiply(w2, x, n, y2);
            }

            return;
        }

        MatMul.MultiplyShared(x, n, _pool, w0, y0, w1, y1, w2, y2);
    }

    /// <summary>Checks the batch once per step (its indices drive native-memory reads and writes) and fills the row → sequence map.</summary>
    private void Validate(ForwardBatch batch, Span<float> logits)
    {
        var n = batch.NumTokens;
        if (n == 0 || batch.Positions.Length != n || batch.SlotMapping.Length != n || batch.NumSeqs < 1
            || batch.QueryStarts[0] != 0 || batch.QueryStarts[^1] != n
            || batch.ContextLengths.Length != batch.NumSeqs || batch.BlockTables.Length != batch.NumSeqs)
        {
            throw new ArgumentException("inconsistent ForwardBatch: row arrays, QueryStarts, ContextLengths and BlockTables disagree", nameof(batch));
        }

        for (var s = 0; s < batch.NumSeqs; s++)
        {
            ValidateSequence(batch, s);
        }

        var previous = -1;
        foreach (var row in batch.LogitsRows)
        {
            if (row <= previous || row >= n)
            {
                throw new ArgumentException("LogitsRows must be ascending row indices", nameof(batch));
            }

            previous = row;
        }

        if (logits.Length < batch.LogitsRows.Length * Config.VocabSize)
        {
            throw new ArgumentException($"logits needs {batch.LogitsRows.Length} x {Config.VocabSize} floats", nameof(logits));
        }
    }

    private void ValidateSequence(ForwardBatch batch, int s)
    {
        int start = batch.QueryStarts[s], end = batch.QueryStarts[s + 1], contextLength = batch.ContextLengths[s];
        var table = batch.BlockTables[s];
        if (end < start || contextLength < end - start || (contextLength + BlockSize - 1) / BlockSize > table.Length)
        {
            throw new ArgumentException($"sequence {s}: rows {start}..{end}, context {contextLength} or its block table ({table.Length} blocks) are inconsistent", nameof(batch));
        }

        for (var b = 0; b < (contextLength + BlockSize - 1) / BlockSize; b++)
        {
            if ((uint)table[b] >= (uint)NumBlocks)
            {
                throw new ArgumentException($"sequence {s}: block id {table[b]} is outside the pool of {NumBlocks}", nameof(batch));
            }
        }

        for (var r = start; r < end; r++)
        {
            if ((uint)batch.Positions[r] >= (uint)contextLength || (uint)batch.TokenIds[r] >= (uint)VocabSize
                || (uint)batch.SlotMapping[r] >= (uint)(NumBlocks * BlockSize))
            {
                throw new ArgumentException($"row {r}: position {batch.Positions[r]}, token {batch.TokenIds[r]} or slot {batch.SlotMapping[r]} is out of range", nameof(batch));
            }

            _scratch.RowSequence[r] = s;
        }
    }
}
