using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Serving.Server.Tests.OpenAI.Endpoints;

public class CompletionsEndpointTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    // greedy.stories260K.json, case gen-once-upon (llama.cpp greedy continuation of "Once upon a time").
    private const string OracleContinuation = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it,";

    [Fact]
    public async Task Completions_Greedy_MatchesLlamaCppOracle()
    {
        var body = await PostAsync(new { prompt = "Once upon a time", max_tokens = 48, temperature = 0 });
        var choice = body.GetProperty("choices")[0];

        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(OracleContinuation, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(48, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(53, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_TokenIdPrompt_SameAsTextPrompt()
    {
        var body = await PostAsync(new { prompt = new[] { 1, 403, 407, 261, 378 }, max_tokens = 12, temperature = 0 });

        Assert.StartsWith(body.GetProperty("choices")[0].GetProperty("text").GetString()!, OracleContinuation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_StopString_TextEndsBeforeItWithStop()
    {
        var body = await PostAsync(new { prompt = "Once upon a time", max_tokens = 40, temperature = 0, stop = new[] { "girl", "zzz" } });
        var choice = body.GetProperty("choices")[0];

        Assert.Equal(", there was a little ", choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Completions_Logprobs_FirstStepMatchesOracle()
    {
        var body = await PostAsync(new { prompt = "Once upon a time", max_tokens = 1, temperature = 0, logprobs = 2 });
        var logprobs = body.GetProperty("choices")[0].GetProperty("logprobs");

        // Oracle top-2 at the first step: id 432 "," logprob -0.0317025, id 383 logprob -3.5498394.
        Assert.Equal(",", logprobs.GetProperty("tokens")[0].GetString());
        Assert.Equal(-0.0317025, logprobs.GetProperty("token_logprobs")[0].GetDouble(), 3);
        var top = logprobs.GetProperty("top_logprobs")[0].EnumerateObject().ToList();
        Assert.Equal(2, top.Count);
        Assert.Equal(-0.0317025, top[0].Value.GetDouble(), 3);
        Assert.Equal(-3.5498394, top[1].Value.GetDouble(), 3);
        Assert.Equal(0, logprobs.GetProperty("text_offset")[0].GetInt32());
    }

    [Fact]
    public async Task Completions_TwoPromptsTimesN2_FourChoicesIndexedPromptMajor()
    {
        var body = await PostAsync(new { prompt = new[] { "Once upon a time", "The cat" }, n = 2, max_tokens = 3, temperature = 0 });
        var choices = body.GetProperty("choices").EnumerateArray().ToList();

        Assert.Equal([0, 1, 2, 3], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(", there was", choices[0].GetProperty("text").GetString());
        Assert.Equal(choices[0].GetProperty("text").GetString(), choices[1].GetProperty("text").GetString());
        Assert.Equal(12, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_Echo_PrependsPrompt()
    {
        var body = await PostAsync(new { prompt = "Once upon a time", max_tokens = 3, temperature = 0, echo = true });

        Assert.Equal("Once upon a time, there was", body.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task CompletionsStream_SameSeed_ConcatenatedTextEqualsNonStreamed()
    {
        var request = new { prompt = "The cat", max_tokens = 30, temperature = 0.8, seed = 99, stream = false };
        var whole = (await PostAsync(request)).GetProperty("choices")[0].GetProperty("text").GetString();

        using var response = await fixture.Host.Http.PostAsJsonAsync("/v1/completions", request with { stream = true });
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = new StringBuilder();
        string? finish = null;
        foreach (var data in SseData(await response.Content.ReadAsStringAsync()))
        {
            if (data == "[DONE]")
            {
                break;
            }

            using var chunk = JsonDocument.Parse(data);
            var choice = chunk.RootElement.GetProperty("choices")[0];
            text.Append(choice.GetProperty("text").GetString());
            finish = choice.GetProperty("finish_reason").GetString() ?? finish;
        }

        Assert.Equal(whole, text.ToString());
        Assert.Equal("length", finish);
    }

    internal static IEnumerable<string> SseData(string body)
    {
        foreach (var frame in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("data: ", frame, StringComparison.Ordinal);
            yield return frame["data: ".Length..];
        }
    }

    private async Task<JsonElement> PostAsync<T>(T request)
    {
        using var response = await fixture.Host.Http.PostAsJsonAsync("/v1/completions", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
