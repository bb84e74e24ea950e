using System.Text.Json;
using Serving.Server.OpenAI.Contracts;

namespace Serving.Server.Tests.OpenAI.Contracts;

public class PromptInputConverterTests
{
    [Fact]
    public void Read_String_OneTextPrompt()
    {
        var prompt = Parse("\"hello\"");
        Assert.Equal(["hello"], prompt.Texts!);
        Assert.Null(prompt.TokenIds);
    }

    [Fact]
    public void Read_ArrayOfStrings_SeveralTextPrompts()
    {
        Assert.Equal(["a", "b"], Parse("[\"a\",\"b\"]").Texts!);
    }

    [Fact]
    public void Read_ArrayOfNumbers_OneTokenPrompt()
    {
        var prompt = Parse("[1, 2, 3]");
        Assert.Single(prompt.TokenIds!);
        Assert.Equal([1, 2, 3], prompt.TokenIds![0]);
    }

    [Fact]
    public void Read_ArrayOfArrays_SeveralTokenPrompts()
    {
        var prompt = Parse("[[1, 2], [3]]");
        Assert.Equal(2, prompt.Count);
        Assert.Equal([3], prompt.TokenIds![1]);
    }

    [Theory]
    [InlineData("[1, \"a\"]")]
    [InlineData("[\"a\", 1]")]
    [InlineData("[[1], \"a\"]")]
    [InlineData("[1.5]")]
    [InlineData("[99999999999]")]
    [InlineData("{}")]
    [InlineData("true")]
    public void Read_MixedOrWrongShapes_ThrowsWithPromptPath(string json)
    {
        var e = Assert.ThrowsAny<JsonException>(() => Parse(json));
        Assert.StartsWith("$.prompt", e.Path);
    }

    private static PromptInput Parse(string promptJson) =>
        JsonSerializer.Deserialize("{\"prompt\":" + promptJson + "}", OpenAIJsonContext.Default.CompletionRequest)!.Prompt!;
}
