using Serving.Engine.Gguf;
using Serving.Engine.Kernels;

namespace Serving.Engine.Model;

/// <summary>The tensors of a llama-family model, looked up by llama.cpp's names and checked against the config's shapes.</summary>
/// <remarks>Matrices point into the <see cref="GgufFile"/> mapping, so the file must outlive this object.</remarks>
internal sealed class ModelWeights
{
    private ModelWeights(WeightMatrix tokenEmbedding, float[] outputNorm, WeightMatrix output, LayerWeights[] layers, float[] ropeFrequencyFactors)
    {
        TokenEmbedding = tokenEmbedding;
        OutputNorm = outputNorm;
        Output = output;
        Layers = layers;
        RopeFrequencyFactors = ropeFrequencyFactors;
    }

    /// <summary>[VocabSize, EmbeddingLength]</summary>
    public WeightMatrix TokenEmbedding { get; }

    public float[] OutputNorm { get; }

    /// <summary>[VocabSize, EmbeddingLength]: <c>output.weight</c>, or the token embedding when the file ties them.</summary>
    public WeightMatrix Output { get; }

    public IReadOnlyList<LayerWeights> Layers { get; }

    /// <summary>[RopeDimensionCount / 2] divisors of the rope angles (<c>rope_freqs.weight</c>, Llama 3.1-style long-context
    /// scaling), or empty when the file has none.</summary>
    public float[] RopeFrequencyFactors { get; }

    /// <summary>Binds every tensor; <see cref="ModelLoadException"/> lists all missing tensors at once, or names a misshapen one.</summary>
    public static ModelWeights Load(GgufFile file, ModelConfig config)
    {
        var missing = RequiredTensorNames(config).Where(n => file.FindTensor(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw new ModelLoadException($"model file is missing required tensors: {string.Join(", ", missing)}");
        }

        var binder = new Binder(file);
        int dim = config.EmbeddingLength, ffn = config.FeedForwardLength, vocab = config.VocabSize;
        var embedding = binder.Matrix("token_embd.weight", vocab, dim);
        var output = file.FindTensor("output.weight") is null ? embedding : binder.Matrix("output.weight", vocab, dim);
        var layers = new LayerWeights[config.NumLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            var p = $"blk.{i}.";
            var bias = config.Architecture.HasQkvBias;
            layers[i] = new LayerWeights
            {
                AttentionNorm = binder.Vector(p + "attn_norm.weight", dim),
                Query = binder.Matrix(p + "attn_q.weight", config.QueryDim, dim),
                Key = binder.Matrix(p + "attn_k.weight", config.KVDim, dim),
                Value = binder.Matrix(p + "attn_v.weight", config.KVDim, dim),
                QueryBias = bias ? binder.Vector(p + "attn_q.bias", config.QueryDim) : null,
                KeyBias = bias ? binder.Vector(p + "attn_k.bias", config.KVDim) : null,
                ValueBias = bias ? binder.Vector(p + "attn_v.bias", config.KVDim) : null,
                Output = binder.Matrix(p + "attn_output.weight", dim, config.QueryDim),
                FeedForwardNorm = binder.Vector(p + "ffn_norm.weight", dim),
                Gate = binder.Matrix(p + "ffn_gate.weight", ffn, dim),
                Up = binder.Matrix(p + "ffn_up.weight", ffn, dim),
                Down = binder.Matrix(p + "ffn_down.weight", dim, ffn),
            };
        }

        var ropeFactors = file.FindTensor("rope_freqs.weight") is null ? [] : binder.Vector("rope_freqs.weight", config.RopeDimensionCount / 2);
        return new ModelWeights(embedding, binder.Vector("output_norm.weight", dim), output, layers, ropeFactors);
    }

    /// <summary>Every tensor the forward pass reads (<c>output.weight</c> is optional: absent means tied to the embedding).</summary>
    public static IEnumerable<string> RequiredTensorNames(ModelConfig config)
    {
        yield return "token_embd.weight";
        yield return "output_norm.weight";
        string[] perLayer = config.Architecture.HasQkvBias
            ? ["attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_q.bias", "attn_k.bias", "attn_v.bias",
               "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"]
            : ["attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight",
               "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"];
        for (var i = 0; i < config.NumLayers; i++)
        {
            foreach (var name in perLayer)
            {
                yield return $"blk.{i}.{name}";
            }
        }
    }

    /// <summary>Looks tensors up and checks their shapes against what the config implies.</summary>
    private sealed class Binder(GgufFile file)
    {
        public WeightMatrix Matrix(string name, int rows, int columns)
        {
            var tensor = Find(name);
            if (tensor.Dimensions.Length != 2 || tensor.Rows != rows || tensor.Columns != columns)
            {
                throw new ModelLoadException($"tensor '{name}' has shape [{string.Join(", ", tensor.Dimensions)}], expected [{columns}, {rows}]");
            }

            return WeightMatrix.FromTensor(file, tensor);
        }

        public float[] Vector(string name, int length)
        {
            var tensor = Find(name);
            if (tensor.ElementCount != length)
            {
                throw new ModelLoadException($"tensor '{name}' has {tensor.ElementCount} elements, expected {length}");
            }

            var values = new float[length];
            WeightMatrix.FromTensor(file, tensor).DequantizeRow(0, values);
            return values;
        }

        private GgufTensorInfo Find(string name) =>
            file.FindTensor(name) ?? throw new ModelLoadException($"model file is missing required tensor '{name}'");
    }
}
