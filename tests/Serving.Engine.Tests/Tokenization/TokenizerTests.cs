using Serving.Engine.Gguf;
using Serving.Engine.Tests.Gguf;
using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

public class TokenizerTests
{
    [Fact]
    public void FromGguf_UnsupportedModel_ThrowsNamingIt()
    {
        using var file = WriteGguf(("tokenizer.ggml.model", "bert"));

        var e = Assert.Throws<NotSupportedException>(() => Tokenizer.FromGguf(file.Gguf));

        Assert.Contains("'bert'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromGguf_UnsupportedPreTokenizer_ThrowsNamingIt()
    {
        using var file = WriteGguf(("tokenizer.ggml.model", "gpt2"), ("tokenizer.ggml.pre", "tekken"));

        var e = Assert.Throws<NotSupportedException>(() => Tokenizer.FromGguf(file.Gguf));

        Assert.Contains("'tekken'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(512)]
    public void Decode_IdOutsideVocabulary_Throws(int id)
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");

        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([1, id]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.CreateDetokenizer().Add(id));
    }

    [Fact]
    public void Encode_100KBOfText_IsLinearEnoughToFinish()
    {
        // Not a timing test: a quadratic merge loop would take minutes here and hang the run instead of passing.
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-llama3-tiny-random.gguf");
        var text = string.Concat(Enumerable.Repeat("Once upon a time, 12345 ünïcödé 🙂 ", 3000)) + new string('a', 20000);

        var ids = tokenizer.Encode(text, addSpecial: false, parseSpecial: true);

        Assert.Equal(text, tokenizer.Decode(ids));
    }

    private static TempGguf WriteGguf(params (string Key, string Value)[] strings)
    {
        var builder = new GgufBuilder().Header(3, 0, (ulong)strings.Length + 1);
        foreach (var (key, value) in strings)
        {
            builder.KeyString(key, value);
        }

        builder.String("tokenizer.ggml.tokens").U32((uint)GgufValueType.Array).U32((uint)GgufValueType.String).U64(2).String("a").String("b");
        var path = Path.Combine(Path.GetTempPath(), $"tokenizer-test-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, builder.ToArray());
        return new TempGguf(path);
    }

    private sealed class TempGguf(string path) : IDisposable
    {
        public GgufFile Gguf { get; } = GgufFile.Open(path);

        public void Dispose()
        {
            Gguf.Dispose();
            File.Delete(path);
        }
    }
}
