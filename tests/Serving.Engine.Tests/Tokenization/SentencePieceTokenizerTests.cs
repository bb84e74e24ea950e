using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

public class SentencePieceTokenizerTests
{
    public static TheoryData<string, string> Cases => TokenizerVectors.CaseIds(TokenizerVectors.Stories, TokenizerVectors.Llama2);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_NoSpecial_MatchesLlamaCpp(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);

        Assert.Equal(c.Ids, TokenizerVectors.TokenizerFor(file).Encode(c.Text, addSpecial: false, parseSpecial: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_AddSpecial_PrependsBos(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);

        Assert.Equal(c.IdsWithBos, TokenizerVectors.TokenizerFor(file).Encode(c.Text, addSpecial: true, parseSpecial: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_OracleIds_MatchesLlamaCpp(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);
        var tokenizer = TokenizerVectors.TokenizerFor(file);

        Assert.Equal(c.Detok, tokenizer.Decode(c.Ids));
        Assert.Equal(c.DetokWithBos, tokenizer.Decode(c.IdsWithBos));
    }

    [Fact]
    public void FromGguf_Stories_ReadsSpecialTokensAndDefaults()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");

        Assert.IsType<SentencePieceTokenizer>(tokenizer);
        Assert.Equal(512, tokenizer.VocabSize);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal([2], tokenizer.EosIds);
        Assert.True(tokenizer.AddBos);
        Assert.Equal("<0x0A>", tokenizer.TokenText(13));
    }

    [Fact]
    public void Encode_ParseSpecial_TurnsControlTextIntoIdsAndRestartsDummyPrefix()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");

        // "<s>" becomes BOS; the text after a special token gets the dummy-prefix space again ("A" alone is ▁ A).
        var ids = tokenizer.Encode("<s>A", addSpecial: false, parseSpecial: true);

        Assert.Equal([1, .. tokenizer.Encode("A", addSpecial: false, parseSpecial: false)], ids);
    }

    [Fact]
    public void Decode_RemoveSpecial_DropsBosButKeepsTheSpaceAfterIt()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");
        var ids = tokenizer.Encode("Hello world", addSpecial: true, parseSpecial: false);

        Assert.Equal(" Hello world", tokenizer.Decode(ids, removeSpecial: true));
        Assert.Equal("<s> Hello world", tokenizer.Decode(ids, unparseSpecial: true));
    }
}
