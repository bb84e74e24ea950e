using Serving.Engine.Gguf;
using Serving.Engine.Model;

namespace Serving.Engine.Tests.Model;

public class ModelWeightsTests
{
    [Fact]
    public void Load_MissingTensors_ListsEveryOne()
    {
        var path = TestGguf.Write(TestGguf.TinyLlamaMetadata(), [("token_embd.weight", [8, 4]), ("output_norm.weight", [8]), ("blk.0.attn_norm.weight", [8])]);
        try
        {
            using var file = GgufFile.Open(path);
            var config = ModelConfig.FromGguf(file);

            var e = Assert.Throws<ModelLoadException>(() => ModelWeights.Load(file, config));

            Assert.Contains("blk.0.attn_q.weight", e.Message, StringComparison.Ordinal);
            Assert.Contains("blk.0.ffn_down.weight", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("attn_norm", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_Qwen2WithoutBias_NamesTheBias()
    {
        var names = new[] { "attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight" };
        var tensors = new List<(string, long[])> { ("token_embd.weight", [8, 4]), ("output_norm.weight", [8]) };
        tensors.AddRange(names.Select(n => ($"blk.0.{n}", n.Contains("norm", StringComparison.Ordinal) ? new long[] { 8 } : [8, 8])));
        var path = TestGguf.Write(TestGguf.TinyLlamaMetadata("qwen2"), tensors);
        try
        {
            using var file = GgufFile.Open(path);
            var config = ModelConfig.FromGguf(file);

            var e = Assert.Throws<ModelLoadException>(() => ModelWeights.Load(file, config));

            Assert.Contains("blk.0.attn_q.bias, blk.0.attn_k.bias, blk.0.attn_v.bias", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_NoOutputWeight_TiesOutputToEmbedding()
    {
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));

        var weights = ModelWeights.Load(file, ModelConfig.FromGguf(file));

        Assert.Same(weights.TokenEmbedding, weights.Output);
    }

    [Fact]
    public void Load_TinyRandom_UsesSeparateOutputWeight()
    {
        using var file = GgufFile.Open(SharedData.Model("llama-2-tiny-random.gguf"));

        var weights = ModelWeights.Load(file, ModelConfig.FromGguf(file));

        Assert.NotSame(weights.TokenEmbedding, weights.Output);
        Assert.Equal(GgmlType.F16, weights.Output.Type);
    }
}
