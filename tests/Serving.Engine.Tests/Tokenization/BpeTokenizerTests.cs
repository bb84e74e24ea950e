using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

public class BpeTokenizerTests
{
    public static TheoryData<string, string> Cases => TokenizerVectors.CaseIds(TokenizerVectors.Llama3, TokenizerVectors.Qwen2);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_NoSpecial_MatchesLlamaCpp(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);

        Assert.Equal(c.Ids, TokenizerVectors.TokenizerFor(file).Encode(c.Text, addSpecial: false, parseSpecial: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_AddSpecial_FollowsAddBos(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);

        Assert.Equal(c.IdsWithBos, TokenizerVectors.TokenizerFor(file).Encode(c.Text, addSpecial: true, parseSpecial: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_ParseSpecial_MatchesLlamaCpp(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);

        Assert.Equal(c.IdsParseSpecial, TokenizerVectors.TokenizerFor(file).Encode(c.Text, addSpecial: false, parseSpecial: true));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_OracleIds_MatchesLlamaCpp(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);
        var tokenizer = TokenizerVectors.TokenizerFor(file);

        Assert.Equal(c.Detok, tokenizer.Decode(c.Ids));
        Assert.Equal(c.DetokWithBos, tokenizer.Decode(c.IdsWithBos));
        Assert.Equal(c.DetokParseSpecial, tokenizer.Decode(c.IdsParseSpecial));
        Assert.Equal(c.DetokParseSpecialUnparsed, tokenizer.Decode(c.IdsParseSpecial, unparseSpecial: true));
    }

    [Fact]
    public void FromGguf_Llama3_EndOfGenerationIncludesEotId()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-llama3-tiny-random.gguf");

        Assert.IsType<BpeTokenizer>(tokenizer);
        Assert.Equal(128256, tokenizer.VocabSize);
        Assert.Equal(128000, tokenizer.BosId);
        Assert.True(tokenizer.AddBos);
        // <|end_of_text|> is EOS; <|eot_id|> ends a chat turn.
        Assert.Equal([128001, 128009], tokenizer.EosIds);
    }

    [Fact]
    public void FromGguf_Qwen2_PromotesEndOfGenerationAndFimTokensByName()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-qwen2-tiny-random.gguf");

        Assert.False(tokenizer.AddBos);
        Assert.Equal("</s>", tokenizer.TokenText(128247));
        // EOS <|im_end|>, then </s> (a plain BPE token promoted by name), <|endoftext|>, <|fim_pad|>, <|repo_name|>, <|file_sep|>.
        Assert.Equal([151645, 128247, 151643, 151662, 151663, 151664], tokenizer.EosIds);
        Assert.True(tokenizer.IsEndOfGeneration(128247));
        Assert.False(tokenizer.IsEndOfGeneration(151644));
    }

    [Fact]
    public void Encode_Llama3Digits_GroupsOfThreeFromTheLeft()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-llama3-tiny-random.gguf");

        var pieces = tokenizer.Encode("1234567", addSpecial: false, parseSpecial: false).Select(tokenizer.TokenText);

        Assert.Equal(["123", "456", "7"], pieces);
    }
}
