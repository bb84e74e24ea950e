using Serving.Engine.Gguf;
using Serving.Engine.Model;

namespace Serving.Engine.Tests.Model;

public class ModelConfigTests
{
    [Fact]
    public void FromGguf_Stories260K_ReadsShapeAndDefaults()
    {
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));

        var config = ModelConfig.FromGguf(file);

        Assert.Equal("llama", config.Architecture.Name);
        Assert.Equal(RopeStyle.Normal, config.Architecture.RopeStyle);
        Assert.False(config.Architecture.HasQkvBias);
        Assert.Equal((512, 64, 5, 172), (config.VocabSize, config.EmbeddingLength, config.NumLayers, config.FeedForwardLength));
        Assert.Equal((8, 4, 8, 8), (config.NumHeads, config.NumKVHeads, config.HeadDim, config.RopeDimensionCount));
        Assert.Equal(10000f, config.RopeFreqBase);
        Assert.Equal(1e-5f, config.RmsNormEpsilon);
        Assert.Equal(512, config.ContextLength);
    }

    [Fact]
    public void FromGguf_TinyRandomWithoutFreqBase_DefaultsTo10000()
    {
        using var file = GgufFile.Open(SharedData.Model("llama-2-tiny-random.gguf"));

        var config = ModelConfig.FromGguf(file);

        Assert.Equal(10000f, config.RopeFreqBase);
        Assert.Equal((2, 2, 4, 32000), (config.NumHeads, config.NumKVHeads, config.HeadDim, config.VocabSize));
    }

    [Fact]
    public void FromGguf_Qwen2_NeoxRopeBiasesAndMetadataBase()
    {
        using var file = GgufFile.Open(SharedData.Model("qwen2-256d-q8_0.gguf"));

        var config = ModelConfig.FromGguf(file);

        Assert.Equal(RopeStyle.Neox, config.Architecture.RopeStyle);
        Assert.True(config.Architecture.HasQkvBias);
        Assert.Equal(1e6f, config.RopeFreqBase);
        Assert.Equal(1e-6f, config.RmsNormEpsilon);
        Assert.Equal((4, 2, 64), (config.NumHeads, config.NumKVHeads, config.HeadDim));
    }

    [Fact]
    public void FromGguf_UnknownArchitecture_ThrowsNamingIt()
    {
        var path = TestGguf.Write(TestGguf.TinyLlamaMetadata("mamba"), [("token_embd.weight", [8, 4])]);
        try
        {
            using var file = GgufFile.Open(path);

            var e = Assert.Throws<ModelLoadException>(() => ModelConfig.FromGguf(file));

            Assert.Contains("'mamba'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromGguf_MissingRequiredKey_ThrowsNamingIt()
    {
        var metadata = TestGguf.TinyLlamaMetadata().Where(kv => kv.Key != "llama.block_count").ToList();
        var path = TestGguf.Write(metadata, [("token_embd.weight", [8, 4])]);
        try
        {
            using var file = GgufFile.Open(path);

            var e = Assert.Throws<ModelLoadException>(() => ModelConfig.FromGguf(file));

            Assert.Contains("'llama.block_count'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromGguf_LinearRopeScaling_FreqScaleIsInverseFactor()
    {
        var metadata = TestGguf.TinyLlamaMetadata();
        metadata.Add(("llama.rope.scaling.type", "linear"));
        metadata.Add(("llama.rope.scaling.factor", 4f));
        var path = TestGguf.Write(metadata, [("token_embd.weight", [8, 4])]);
        try
        {
            using var file = GgufFile.Open(path);

            Assert.Equal(0.25f, ModelConfig.FromGguf(file).RopeFreqScale);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromGguf_YarnRopeScaling_ThrowsNamingIt()
    {
        var metadata = TestGguf.TinyLlamaMetadata();
        metadata.Add(("llama.rope.scaling.type", "yarn"));
        var path = TestGguf.Write(metadata, [("token_embd.weight", [8, 4])]);
        try
        {
            using var file = GgufFile.Open(path);

            var e = Assert.Throws<ModelLoadException>(() => ModelConfig.FromGguf(file));

            Assert.Contains("'yarn'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
