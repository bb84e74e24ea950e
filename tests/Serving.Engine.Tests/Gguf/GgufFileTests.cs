using Serving.Engine.Gguf;

namespace Serving.Engine.Tests.Gguf;

public class GgufFileTests
{
    [Fact]
    public void Open_Stories260K_ReadsMetadataAndTensors()
    {
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));

        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Get<string>("general.architecture"));
        Assert.Equal(64, file.Get<int>("llama.embedding_length"));
        Assert.Equal(47, file.Tensors.Count);
        Assert.Equal(512, file.Get<string[]>("tokenizer.ggml.tokens")!.Length);
        Assert.Equal(32u, file.Alignment);
        var embd = file.FindTensor("token_embd.weight")!;
        Assert.Equal(new long[] { 64, 512 }, embd.Dimensions);
        Assert.Equal(GgmlType.F32, embd.Type);
        Assert.Equal(64 * 512 * 4, embd.ByteSize);
    }

    [Fact]
    public void Open_TinyRandom_ReadsF16TensorsAndMissingKeysDefault()
    {
        using var file = GgufFile.Open(SharedData.Model("llama-2-tiny-random.gguf"));

        Assert.Equal(GgmlType.F16, file.FindTensor("output.weight")!.Type);
        Assert.Null(file.Get<float?>("llama.rope.freq_base"));
        Assert.Equal(10000f, file.Get("llama.rope.freq_base", 10000f));
    }
}
