using Serving.Engine.Kernels;

namespace Serving.Engine.Model;

/// <summary>One transformer block's tensors (<c>blk.N.*</c>); matrices stay in the file mapping, vectors are copied to floats.</summary>
internal sealed class LayerWeights
{
    public required float[] AttentionNorm { get; init; }

    public required WeightMatrix Query { get; init; }

    public required WeightMatrix Key { get; init; }

    public required WeightMatrix Value { get; init; }

    /// <summary>Present exactly when the architecture has Q/K/V biases.</summary>
    public required float[]? QueryBias { get; init; }

    public required float[]? KeyBias { get; init; }

    public required float[]? ValueBias { get; init; }

    public required WeightMatrix Output { get; init; }

    public required float[] FeedForwardNorm { get; init; }

    public required WeightMatrix Gate { get; init; }

    public required WeightMatrix Up { get; init; }

    public required WeightMatrix Down { get; init; }
}
