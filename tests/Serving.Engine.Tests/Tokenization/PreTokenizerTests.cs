using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

public class PreTokenizerTests
{
    public static TheoryData<string> Names => [.. PreTokenizerTable.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Constructor_EveryTableEntry_CompilesAndSplitsToCoverTheText(string name)
    {
        var preTokenizer = new PreTokenizer(PreTokenizerTable.Find(name)!.Patterns);
        const string text = "Hello, world! It's 2024-12-31\n\n  x = [1, 2];\t中文 テスト 🙂";

        Assert.Equal(text, string.Concat(Split(preTokenizer, text)));
    }

    [Theory]
    [InlineData("a   b", new[] { "a", "  ", " b" })]
    [InlineData("I'LL it'S don’t", new[] { "I", "'LL", " it", "'S", " don", "’t" })]
    [InlineData("1234567", new[] { "123", "456", "7" })]
    [InlineData("a\u00A0\u00A0b", new[] { "a", "\u00A0", "\u00A0b" })]
    [InlineData("a\U00020000b c", new[] { "a\U00020000b", " c" })]
    [InlineData("x\r\n\r\ny", new[] { "x", "\r\n\r\n", "y" })]
    [InlineData("(ok)!!\n", new[] { "(ok", ")!!\n" })]
    [InlineData("\U000135EF.Wp", new[] { "\U000135EF.", "Wp" })]
    [InlineData("\U00010D40x", new[] { "\U00010D40x" })]
    public void Split_Llama3_MatchesLlamaCppRegexPerCodePoint(string text, string[] expected)
    {
        Assert.Equal(expected, Split(new PreTokenizer(PreTokenizerTable.Find("llama-bpe")!.Patterns), text));
    }

    [Fact]
    public void Split_Qwen2_SplitsEveryDigit()
    {
        Assert.Equal(["1", "2", "3", "4", " ab"], Split(new PreTokenizer(PreTokenizerTable.Find("qwen2")!.Patterns), "1234 ab"));
    }

    [Fact]
    public void Find_MissingName_IsDefaultAndUnknownIsNull()
    {
        Assert.Same(PreTokenizerTable.Find("default"), PreTokenizerTable.Find(null));
        Assert.Null(PreTokenizerTable.Find("no-such-pre-tokenizer"));
    }

    [Fact]
    public void CollapsePattern_CategoriesInsideAndOutsideClasses_BecomePlaceholderClasses()
    {
        Assert.Equal("[^\\s\uE0D2A-Za-z\uE0D10-9]+|[\uE0D10-9]{1,3}", PreTokenizer.CollapsePattern(@"[^\s\p{L}\p{N}]+|\p{N}{1,3}"));
    }

    private static string[] Split(PreTokenizer preTokenizer, string text)
    {
        var words = new List<(int Start, int Length)>();
        preTokenizer.Split(text, words);
        return [.. words.Select(w => text.Substring(w.Start, w.Length))];
    }
}
