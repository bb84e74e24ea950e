using System.Text.Json;
using Serving.Server.OpenAI.Contracts;

namespace Serving.Server.Tests.OpenAI.Contracts;

public class ChatCompletionRequestTests
{
    [Fact]
    public void Deserialize_OpenAIBody_ReadsSnakeCaseFieldsAndIgnoresUnknownOnes()
    {
        const string Json = """
            {"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},{"role":"assistant","content":null}],
             "max_completion_tokens":5,"top_logprobs":2,"logprobs":true,"stop":"x","stream_options":{"include_usage":true},
             "logit_bias":{"7":-100},"top_k":3,"ignore_eos":true,"stop_token_ids":[2],"some_future_field":{"a":[1]}}
            """;
        var request = JsonSerializer.Deserialize(Json, OpenAIJsonContext.Default.ChatCompletionRequest)!;

        Assert.Equal("m", request.Model);
        Assert.Equal(["be brief", "a\nb", null], request.Messages!.Select(m => m.Content));
        Assert.Equal(5, request.MaxCompletionTokens);
        Assert.Equal(2, request.TopLogprobs);
        Assert.True(request.Logprobs);
        Assert.Equal(["x"], request.Stop!);
        Assert.True(request.StreamOptions!.IncludeUsage);
        Assert.Equal(-100f, request.LogitBias!["7"]);
        Assert.Equal(3, request.TopK);
        Assert.True(request.IgnoreEos);
        Assert.Equal([2], request.StopTokenIds!);
    }

    [Theory]
    [InlineData("{\"temperature\":\"hot\"}", "$.temperature")]
    [InlineData("{\"max_tokens\":1e30}", "$.max_tokens")]
    [InlineData("{\"n\":1.5}", "$.n")]
    [InlineData("{\"stop\":[1]}", "$.stop")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", "$.messages[0].content")]
    [InlineData("{\"messages\":{}}", "$.messages")]
    public void Deserialize_WrongType_ThrowsWithFieldPath(string json, string path)
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, OpenAIJsonContext.Default.ChatCompletionRequest));
        Assert.StartsWith(path, e.Path);
    }
}
