using Serving.Engine.ChatTemplates;
using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Model;
using Serving.Engine.Tokenization;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.Hosting;

/// <summary>The one model this server serves: its GGUF file, configuration, tokenizer and the name clients address it by.</summary>
/// <remarks>Immutable after loading and shared by every request thread; the file stays mapped for the runner's lifetime.</remarks>
internal sealed class ServedModel : IDisposable
{
    private readonly Lazy<string[]> _pieces;

    private ServedModel(GgufFile file, string name, long createdUnixSeconds)
    {
        _pieces = new Lazy<string[]>(DecodePieces);
        File = file;
        Name = name;
        CreatedUnixSeconds = createdUnixSeconds;
        Config = ModelConfig.FromGguf(file);
        Tokenizer = Tokenizer.FromGguf(file);
        ChatTemplate = ModelChatTemplate.FromGguf(file);
        Quantization = DominantWeightType(file);
    }

    public GgufFile File { get; }

    /// <summary>The id in <c>/v1/models</c> and the only <c>model</c> value requests may name.</summary>
    public string Name { get; }

    public long CreatedUnixSeconds { get; }

    public ModelConfig Config { get; }

    public Tokenizer Tokenizer { get; }

    /// <summary>The GGUF's <c>tokenizer.chat_template</c>, or ChatML when it has none.</summary>
    public ModelChatTemplate ChatTemplate { get; }

    /// <summary>The weight type holding most of the file's bytes (<c>Q8_0</c>, <c>F16</c>, ...).</summary>
    public string Quantization { get; }

    public int ContextLength => Config.ContextLength;

    /// <summary>Each token's text as it reads inside generated text (<c>" Hello"</c>, not <c>"▁Hello"</c>), for logprobs.</summary>
    public string TokenPiece(int tokenId) => _pieces.Value[tokenId];

    public static ServedModel Load(string path, string? servedModelName, TimeProvider timeProvider)
    {
        var file = GgufFile.Open(path);
        try
        {
            var name = string.IsNullOrWhiteSpace(servedModelName) ? Path.GetFileNameWithoutExtension(path) : servedModelName;
            return new ServedModel(file, name, timeProvider.GetUtcNow().ToUnixTimeSeconds());
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Number of KV-cache blocks that fit in <paramref name="kvCacheBytes"/>: each block holds K and V of
    /// <paramref name="blockSize"/> tokens for every layer.</summary>
    public int NumBlocksFor(long kvCacheBytes, int blockSize, KVCacheDataType dataType)
    {
        var elementBytes = dataType == KVCacheDataType.F16 ? 2 : 4;
        var bytesPerBlock = 2L * Config.NumLayers * blockSize * Config.KVDim * elementBytes;
        return (int)Math.Min(int.MaxValue, kvCacheBytes / bytesPerBlock);
    }

    /// <summary>404 unless <paramref name="model"/> is absent or names this model (clients often omit it or send the default).</summary>
    public void EnsureName(string? model)
    {
        if (!string.IsNullOrEmpty(model) && !string.Equals(model, Name, StringComparison.Ordinal))
        {
            throw OpenAIErrors.ModelNotFound(model);
        }
    }

    public void Dispose() => File.Dispose();

    /// <summary>NOTE: decoding a token alone drops SentencePiece's word-start space; decoding it after BOS with BOS removed
    /// keeps it (llama.cpp's rule), so a piece is the text the token adds mid-sentence.</summary>
    private string[] DecodePieces()
    {
        var pieces = new string[Tokenizer.VocabSize];
        var afterBos = Tokenizer.AddBos && Tokenizer.BosId >= 0;
        for (var id = 0; id < pieces.Length; id++)
        {
            pieces[id] = afterBos ? Tokenizer.Decode([Tokenizer.BosId, id], removeSpecial: true, unparseSpecial: true) : Tokenizer.Decode([id], unparseSpecial: true);
        }

        return pieces;
    }

    private static string DominantWeightType(GgufFile file) =>
        file.Tensors.GroupBy(t => t.Type).MaxBy(g => g.Sum(t => t.ByteSize))?.Key.ToString() ?? "none";
}
