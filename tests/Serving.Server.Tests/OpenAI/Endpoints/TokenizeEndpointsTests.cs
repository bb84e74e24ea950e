using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serving.Server.Tests.OpenAI.Errors;

namespace Serving.Server.Tests.OpenAI.Endpoints;

public class TokenizeEndpointsTests
{
    [Fact]
    public async Task Tokenize_StoriesPrompt_MatchesLlamaCppOracleIds()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.PostAsJsonAsync("/tokenize", new { prompt = "Once upon a time" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // greedy.stories260K.json, case gen-once-upon: BOS + llama_tokenize("Once upon a time").
        Assert.Equal([1, 403, 407, 261, 378], body.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal(5, body.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(512, body.RootElement.GetProperty("max_model_len").GetInt32());
    }

    [Fact]
    public async Task Tokenize_LlamaCppShapeWithoutSpecial_OmitsBos()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.PostAsJsonAsync("/tokenize", new { content = "Once upon a time", add_special = false });

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([403, 407, 261, 378], body.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
    }

    [Fact]
    public async Task Detokenize_OracleIds_ReturnsTextInBothShapes()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.PostAsJsonAsync("/detokenize", new { tokens = new[] { 1, 403, 407, 261, 378 } });

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // As llama.cpp detokenizes (the oracle's full_text): SentencePiece's word-start space survives after BOS.
        Assert.Equal(" Once upon a time", body.RootElement.GetProperty("prompt").GetString());
        Assert.Equal(" Once upon a time", body.RootElement.GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("/detokenize", "{\"tokens\":[1,512]}", "tokens")]
    [InlineData("/detokenize", "{\"tokens\":[-1]}", "tokens")]
    [InlineData("/detokenize", "{}", "tokens")]
    [InlineData("/tokenize", "{}", "prompt")]
    [InlineData("/tokenize", "{\"prompt\":5}", "prompt")]
    [InlineData("/tokenize", "{\"messages\":[]}", "messages")]
    [InlineData("/tokenize", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "messages[0].role")]
    public async Task BadInput_Returns400NamingParam(string path, string json, string param)
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Tokenize_WrongModel_Returns404()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.PostAsJsonAsync("/tokenize", new { model = "gpt-4", prompt = "x" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await OpenAIErrorMiddlewareTests.ReadErrorAsync(response);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }
}
