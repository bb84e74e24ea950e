using BenchmarkDotNet.Attributes;
using Serving.Engine.Gguf;
using Serving.Engine.Tokenization;

namespace Serving.Benchmarks;

/// <summary>Encode and decode of about 100 KB of mixed text, and streaming detokenization, per vocabulary family.</summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private Tokenizer _tokenizer = null!;
    private string _text = null!;
    private int[] _ids = null!;

    /// <summary>Model files in ../shared/models: SentencePiece 32k, Llama 3 BPE 128k, Qwen BPE 152k.</summary>
    [Params("llama-2-tiny-random.gguf", "bpe-llama3-tiny-random.gguf", "bpe-qwen2-tiny-random.gguf")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        using var file = GgufFile.Open(Path.Combine(FindShared(), "models", Model));
        _tokenizer = Tokenizer.FromGguf(file);
        _text = string.Concat(Enumerable.Repeat("Once upon a time, in 2024, a naïve café owner said: \"It's 12:30!\"\n\t中文 🙂 ", 1400));
        _ids = _tokenizer.Encode(_text, addSpecial: true, parseSpecial: false);
    }

    [Benchmark]
    public int Encode() => _tokenizer.Encode(_text, addSpecial: true, parseSpecial: false).Length;

    [Benchmark]
    public int EncodeParseSpecial() => _tokenizer.Encode(_text, addSpecial: true, parseSpecial: true).Length;

    [Benchmark]
    public int Decode() => _tokenizer.Decode(_ids).Length;

    /// <summary>The server's per-token path: one Add per generated token.</summary>
    [Benchmark]
    public int StreamDecode()
    {
        var detokenizer = _tokenizer.CreateDetokenizer();
        var length = 0;
        foreach (var id in _ids)
        {
            length += detokenizer.Add(id).Length;
        }

        return length + detokenizer.Flush().Length;
    }

    private static string FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared");
            if (Directory.Exists(Path.Combine(candidate, "models")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException("../shared/models was not found above " + AppContext.BaseDirectory);
    }
}
