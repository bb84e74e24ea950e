using System.Text;
using Serving.Engine.Gguf;
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
        var path = Path.Combine(Path.GetTempPath(), $"tokenizer-test-{Guid.NewGuid():N}.gguf");
        using (var writer = new BinaryWriter(File.Create(path), Encoding.UTF8))
        {
            writer.Write(0x46554747u);
            writer.Write(3u);
            writer.Write(0L);
            writer.Write((long)strings.Length + 1);
            foreach (var (key, value) in strings)
            {
                WriteString(writer, key);
                writer.Write((uint)GgufValueType.String);
                WriteString(writer, value);
            }

            WriteString(writer, "tokenizer.ggml.tokens");
            writer.Write((uint)GgufValueType.Array);
            writer.Write((uint)GgufValueType.String);
            writer.Write(2L);
            WriteString(writer, "a");
            WriteString(writer, "b");
        }

        return new TempGguf(path);
    }

    private static void WriteString(BinaryWriter writer, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        writer.Write((long)bytes.Length);
        writer.Write(bytes);
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
