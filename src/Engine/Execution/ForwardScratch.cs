using Serving.Engine.Model;

namespace Serving.Engine.Execution;

/// <summary>The activations of one forward step, owned by the runner and reused every step: arrays only grow, to the
/// largest batch seen, so steady-state steps allocate nothing.</summary>
internal sealed class ForwardScratch(ModelConfig config)
{
    private int _numTokens;
    private int _numLogitsRows;

    /// <summary>[numTokens, EmbeddingLength] the residual stream.</summary>
    public float[] Hidden { get; private set; } = [];

    /// <summary>[numTokens, EmbeddingLength] normalized input of a sub-layer, then its projected output.</summary>
    public float[] Normed { get; private set; } = [];

    /// <summary>[numTokens, QueryDim]</summary>
    public float[] Query { get; private set; } = [];

    /// <summary>[numTokens, KVDim]</summary>
    public float[] Key { get; private set; } = [];

    /// <summary>[numTokens, KVDim]</summary>
    public float[] Value { get; private set; } = [];

    /// <summary>[numTokens, QueryDim] attention output before the output projection.</summary>
    public float[] Attention { get; private set; } = [];

    /// <summary>[numTokens, FeedForwardLength] gate projection, then the gated activation.</summary>
    public float[] Gate { get; private set; } = [];

    /// <summary>[numTokens, FeedForwardLength]</summary>
    public float[] Up { get; private set; } = [];

    /// <summary>[numTokens, RopeDimensionCount / 2] per-row rope angles.</summary>
    public float[] RopeCos { get; private set; } = [];

    /// <summary>[numTokens, RopeDimensionCount / 2]</summary>
    public float[] RopeSin { get; private set; } = [];

    /// <summary>[numTokens] index of each row's sequence.</summary>
    public int[] RowSequence { get; private set; } = [];

    /// <summary>[numTokens] first row of each attention tile.</summary>
    public int[] TileStarts { get; private set; } = [];

    /// <summary>[numLogitsRows, EmbeddingLength] final-normed hidden states of the rows whose logits are wanted.</summary>
    public float[] LogitsInput { get; private set; } = [];

    public void EnsureCapacity(int numTokens, int numLogitsRows)
    {
        if (numTokens > _numTokens)
        {
            _numTokens = numTokens;
            Hidden = new float[numTokens * config.EmbeddingLength];
            Normed = new float[numTokens * config.EmbeddingLength];
            Query = new float[numTokens * config.QueryDim];
            Key = new float[numTokens * config.KVDim];
            Value = new float[numTokens * config.KVDim];
            Attention = new float[numTokens * config.QueryDim];
            Gate = new float[numTokens * config.FeedForwardLength];
            Up = new float[numTokens * config.FeedForwardLength];
            RopeCos = new float[numTokens * config.RopeDimensionCount / 2];
            RopeSin = new float[numTokens * config.RopeDimensionCount / 2];
            RowSequence = new int[numTokens];
            TileStarts = new int[numTokens];
        }

        if (numLogitsRows > _numLogitsRows)
        {
            _numLogitsRows = numLogitsRows;
            LogitsInput = new float[numLogitsRows * config.EmbeddingLength];
        }
    }
}
