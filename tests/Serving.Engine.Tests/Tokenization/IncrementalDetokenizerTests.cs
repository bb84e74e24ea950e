using System.Text;
using System.Text.Json;
using Serving.Engine.Tokenization;

namespace Serving.Engine.Tests.Tokenization;

public class IncrementalDetokenizerTests
{
    public static TheoryData<string, string> Cases => TokenizerVectors.CaseIds(
        TokenizerVectors.Stories, TokenizerVectors.Llama2, TokenizerVectors.Llama3, TokenizerVectors.Qwen2);

    public static TheoryData<string, string> GreedyCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (file, _) in GreedyFiles)
            {
                foreach (var c in GreedyJson(file).RootElement.GetProperty("cases").EnumerateArray())
                {
                    data.Add(file, c.GetProperty("id").GetString()!);
                }
            }

            return data;
        }
    }

    private static (string File, string Model)[] GreedyFiles =>
        [("greedy.stories260K.json", "stories260K.gguf"), ("greedy.llama2-tiny-random.json", "llama-2-tiny-random.gguf")];

    /// <summary>Streaming one token at a time yields exactly Decode of the whole sequence, in both special-token modes.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Add_EveryOracleSequence_ConcatenationEqualsDecode(string file, string caseId)
    {
        var c = TokenizerVectors.Get(file, caseId);
        var tokenizer = TokenizerVectors.TokenizerFor(file);

        foreach (var ids in new[] { c.Ids, c.IdsWithBos, c.IdsParseSpecial ?? [] })
        {
            Assert.Equal(tokenizer.Decode(ids), Stream(tokenizer.CreateDetokenizer(), ids));
            Assert.Equal(tokenizer.Decode(ids, unparseSpecial: true), Stream(tokenizer.CreateDetokenizer(skipSpecialTokens: false), ids));
        }
    }

    /// <summary>Primed with the prompt, the stream is node-llama-cpp's continuation text, as recorded in the greedy oracle files.</summary>
    [Theory]
    [MemberData(nameof(GreedyCases))]
    public void Add_AfterPrompt_YieldsOracleCompletionText(string file, string caseId)
    {
        var c = GreedyJson(file).RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == caseId);
        var tokenizer = TokenizerVectors.ModelTokenizer(GreedyFiles.Single(g => g.File == file).Model);
        int[] prompt = [.. c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32())];
        int[] generated = [.. c.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32())];

        var detokenizer = tokenizer.CreateDetokenizer(promptIds: prompt);

        Assert.Equal(c.GetProperty("completion_text").GetString(), Stream(detokenizer, generated));
    }

    [Fact]
    public void Add_ByteFallbackTokens_HoldsBytesUntilTheCharacterIsComplete()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");
        var detokenizer = tokenizer.CreateDetokenizer();

        // "€" is E2 82 AC; in this vocabulary byte b is token b + 3.
        Assert.Equal(string.Empty, detokenizer.Add(0xE2 + 3));
        Assert.Equal(string.Empty, detokenizer.Add(0x82 + 3));
        Assert.Equal("€", detokenizer.Add(0xAC + 3));
        Assert.Equal(string.Empty, detokenizer.Flush());
    }

    [Fact]
    public void AddSpan_SameTextAsAdd()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-qwen2-tiny-random.gguf");
        var ids = tokenizer.Encode("naïve 🙂 café", addSpecial: false, parseSpecial: false);
        var byString = tokenizer.CreateDetokenizer();
        var bySpan = tokenizer.CreateDetokenizer();

        foreach (var id in ids)
        {
            Assert.Equal(byString.Add(id), bySpan.AddSpan(id).ToString());
        }
    }

    [Fact]
    public void Flush_UnfinishedCharacter_BecomesReplacementCharacterAsInDecode()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");
        var detokenizer = tokenizer.CreateDetokenizer();

        Assert.Equal(string.Empty, detokenizer.Add(0xE2 + 3));
        Assert.Equal("\uFFFD", detokenizer.Flush());
        Assert.Equal("\uFFFD", tokenizer.Decode([0xE2 + 3]));
    }

    [Fact]
    public void Add_SentencePieceFirstToken_LosesItsSpaceOnlyWithoutPrompt()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("stories260K.gguf");
        var w = Enumerable.Range(0, tokenizer.VocabSize).Single(id => tokenizer.TokenText(id) == "\u2581w");

        Assert.Equal("w", tokenizer.CreateDetokenizer().Add(w));
        Assert.Equal(" w", tokenizer.CreateDetokenizer(promptIds: tokenizer.Encode("Hello", true, false)).Add(w));
    }

    [Fact]
    public void Add_Llama3SpaceBeforeComma_IsHeldUntilTheNextToken()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-llama3-tiny-random.gguf");
        var ids = tokenizer.Encode("Hello ,", addSpecial: false, parseSpecial: false);
        var detokenizer = tokenizer.CreateDetokenizer();

        var deltas = ids.Select(detokenizer.Add).Append(detokenizer.Flush()).ToArray();

        Assert.Equal("Hello,", string.Concat(deltas));
        Assert.All(deltas, d => Assert.False(d.EndsWith(' ')));
    }

    [Fact]
    public void Add_SkipSpecialTokensFalse_RendersControlTokens()
    {
        var tokenizer = TokenizerVectors.ModelTokenizer("bpe-qwen2-tiny-random.gguf");
        var ids = tokenizer.Encode("<|im_start|>hi<|im_end|>", addSpecial: false, parseSpecial: true);

        Assert.Equal("hi", Stream(tokenizer.CreateDetokenizer(), ids));
        Assert.Equal("<|im_start|>hi<|im_end|>", Stream(tokenizer.CreateDetokenizer(skipSpecialTokens: false), ids));
    }

    private static string Stream(IncrementalDetokenizer detokenizer, int[] ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            var delta = detokenizer.Add(id);
            Assert.False(delta.Length > 0 && char.IsHighSurrogate(delta[^1]), "a delta split a surrogate pair");
            text.Append(delta);
        }

        return text.Append(detokenizer.Flush()).ToString();
    }

    private static JsonDocument GreedyJson(string file) => JsonDocument.Parse(File.ReadAllBytes(SharedData.TestData(file)));
}
