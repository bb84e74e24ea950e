using System.Buffers;
using System.Text;
using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

public class SpaceCleanerTests
{
    [Theory]
    [InlineData("Hello , world !", "Hello, world!")]
    [InlineData("a ' b", "a'b")]
    [InlineData("it 's I 'm we 're they 've", "it's I'm we're they've")]
    [InlineData("do n't I 'd we 'll", "do n't I 'd we 'll")]
    [InlineData(" .", ".")]
    [InlineData("end ", "end ")]
    [InlineData("x '", "x '")]
    [InlineData("x 'r", "x 'r")]
    public void Clean_HandPicked_MatchesLlamaCppRules(string input, string expected)
    {
        Assert.Equal(expected, CleanStreaming(input, chunk: input.Length + 1));
        Assert.Equal(expected, Reference(input));
    }

    /// <summary>The transducer against a literal port of llama.cpp's three in-place passes, on random strings over the
    /// characters the rules look at, fed whole and one byte at a time.</summary>
    [Fact]
    public void Clean_RandomStrings_EqualsInPlaceReference()
    {
        const string alphabet = " '.?,smrevtdlx";
        var random = new Random(42);
        for (var iteration = 0; iteration < 20000; iteration++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var expected = Reference(text);

            Assert.Equal(expected, CleanStreaming(text, chunk: text.Length + 1));
            Assert.Equal(expected, CleanStreaming(text, chunk: 1));
            Assert.Equal(expected, CleanStreaming(text, chunk: random.Next(1, 4)));
        }
    }

    private static string CleanStreaming(string text, int chunk)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var output = new ArrayBufferWriter<byte>();
        var cleaner = new SpaceCleaner();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            cleaner.Push(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), output);
        }

        cleaner.Flush(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>llama_vocab::impl::detokenize's clean_spaces block, transcribed statement by statement (text is modified in place).</summary>
    private static string Reference(string input)
    {
        var text = Encoding.UTF8.GetBytes(input);
        var total = text.Length;

        var total1 = total;
        total = total != 0 ? 1 : 0;
        for (var i = 1; i < total1; ++i)
        {
            var x = text[i];
            if (text[i - 1] == ' ' && x is (byte)'?' or (byte)'!' or (byte)'.' or (byte)',')
            {
                total--;
            }

            text[total++] = x;
        }

        var total2 = total;
        total = total != 0 ? 1 : 0;
        for (var i = 1; i < total2; ++i)
        {
            var x = text[i];
            if (x == '\'' && i + 1 < total2 && text[i - 1] == ' ' && text[i + 1] == ' ')
            {
                total--;
                text[++i] = 0;
            }

            text[total++] = x;
        }

        var total3 = total;
        total = total != 0 ? 1 : 0;
        for (var i = 1; i < total3; ++i)
        {
            var x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < total3)
            {
                var x1 = text[i + 1];
                if (x1 is (byte)'t' or (byte)'d')
                {
                }
                else if (x1 is (byte)'s' or (byte)'m')
                {
                    total--;
                }
                else if (i + 2 < total3)
                {
                    var x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e'))
                    {
                        total--;
                    }
                }
            }

            text[total++] = x;
        }

        return Encoding.UTF8.GetString(text, 0, total);
    }
}
