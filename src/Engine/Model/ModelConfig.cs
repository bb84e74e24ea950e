using Serving.Engine.Gguf;

namespace Serving.Engine.Model;

/// <summary>Hyper-parameters of a decoder-only transformer, read from GGUF metadata with llama.cpp's defaults for absent keys.</summary>
public sealed record ModelConfig
{
    /// <summary>llama.cpp's <c>rope_freq_base_train</c> when <c>{arch}.rope.freq_base</c> is absent.</summary>
    public const float DefaultRopeFreqBase = 10000f;

    public required ArchitectureTraits Architecture { get; init; }

    /// <summary>Rows of <c>token_embd.weight</c> = length of one logits row.</summary>
    public required int VocabSize { get; init; }

    public required int EmbeddingLength { get; init; }

    public required int NumLayers { get; init; }

    public required int FeedForwardLength { get; init; }

    public required int NumHeads { get; init; }

    /// <summary>Key/value heads; fewer than <see cref="NumHeads"/> means grouped-query attention.</summary>
    public required int NumKVHeads { get; init; }

    public required int HeadDim { get; init; }

    /// <summary>Leading dimensions of each head that RoPE rotates (the rest pass through).</summary>
    public required int RopeDimensionCount { get; init; }

    public required float RopeFreqBase { get; init; }

    /// <summary>Linear rope scaling, 1 / <c>rope.scaling.factor</c> (llama.cpp's <c>freq_scale</c>); 1 when unscaled.</summary>
    public float RopeFreqScale { get; init; } = 1f;

    public required float RmsNormEpsilon { get; init; }

    /// <summary>Training context length (<c>{arch}.context_length</c>), in tokens.</summary>
    public required int ContextLength { get; init; }

    public int QueryDim => NumHeads * HeadDim;

    public int KVDim => NumKVHeads * HeadDim;

    /// <summary>Reads the config of <paramref name="file"/>; <see cref="ModelLoadException"/> names an unknown architecture
    /// or a missing required key.</summary>
    public static ModelConfig FromGguf(GgufFile file)
    {
        var name = file.Get<string>("general.architecture") ?? throw new ModelLoadException("missing metadata key 'general.architecture'");
        var arch = ArchitectureTraits.For(name);
        var embedding = Require<int>(file, $"{name}.embedding_length");
        var numHeads = Require<int>(file, $"{name}.attention.head_count");
        var headDim = file.Get($"{name}.attention.key_length", embedding / numHeads);
        if (file.Get($"{name}.attention.value_length", headDim) != headDim)
        {
            throw new ModelLoadException($"{name}.attention.value_length differs from the key length {headDim}, which this engine does not support");
        }

        var embd = file.FindTensor("token_embd.weight") ?? throw new ModelLoadException("model file is missing required tensor 'token_embd.weight'");
        var config = new ModelConfig
        {
            Architecture = arch,
            VocabSize = checked((int)embd.Rows),
            EmbeddingLength = embedding,
            NumLayers = Require<int>(file, $"{name}.block_count"),
            FeedForwardLength = Require<int>(file, $"{name}.feed_forward_length"),
            NumHeads = numHeads,
            NumKVHeads = file.Get($"{name}.attention.head_count_kv", numHeads),
            HeadDim = headDim,
            RopeDimensionCount = file.Get($"{name}.rope.dimension_count", headDim),
            RopeFreqBase = file.Get($"{name}.rope.freq_base", DefaultRopeFreqBase),
            RopeFreqScale = ReadRopeFreqScale(file, name),
            RmsNormEpsilon = Require<float>(file, $"{name}.attention.layer_norm_rms_epsilon"),
            ContextLength = Require<int>(file, $"{name}.context_length"),
        };
        config.Validate();
        return config;
    }

    /// <summary>llama.cpp's rope scaling keys: none or linear are computed here; YaRN and LongRoPE change the angles in
    /// ways this engine does not implement, so such a model is refused rather than run with wrong positions.</summary>
    private static float ReadRopeFreqScale(GgufFile file, string name)
    {
        var type = file.Get<string>($"{name}.rope.scaling.type") ?? "none";
        if (type is not ("none" or "linear"))
        {
            throw new ModelLoadException($"rope scaling type '{type}' is not supported (supported: none, linear)");
        }

        var factor = file.Get($"{name}.rope.scale_linear", 0f);
        if (factor == 0f)
        {
            factor = file.Get($"{name}.rope.scaling.factor", 0f);
        }

        return factor == 0f ? 1f : 1f / factor;
    }

    private static T Require<T>(GgufFile file, string key) where T : struct =>
        file.Metadata.ContainsKey(key) ? file.Get<T>(key) : throw new ModelLoadException($"missing metadata key '{key}'");

    private void Validate()
    {
        if (NumHeads <= 0 || NumKVHeads <= 0 || NumHeads % NumKVHeads != 0)
        {
            throw new ModelLoadException($"head_count {NumHeads} is not a positive multiple of head_count_kv {NumKVHeads}");
        }

        if (HeadDim <= 0 || RopeDimensionCount <= 0 || RopeDimensionCount > HeadDim || RopeDimensionCount % 2 != 0)
        {
            throw new ModelLoadException($"rope.dimension_count {RopeDimensionCount} must be even and at most the head dimension {HeadDim}");
        }

        if (EmbeddingLength <= 0 || NumLayers <= 0 || FeedForwardLength <= 0 || ContextLength <= 0 || VocabSize <= 0)
        {
            throw new ModelLoadException("embedding_length, block_count, feed_forward_length, context_length and the vocabulary must be positive");
        }
    }
}
