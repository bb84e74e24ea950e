using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Serving.Server.Tests.OpenAI.Errors;

/// <summary>Every error status a client can provoke, through raw HTTP, in OpenAI's shape (and never a 500).</summary>
public class ErrorStatusTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    [Theory]
    [InlineData("/v1/chat/completions", "{not json", null)]
    [InlineData("/v1/chat/completions", "", null)]
    [InlineData("/v1/chat/completions", "[1,2]", null)]
    [InlineData("/v1/chat/completions", "{\"messages\":[]}", "messages")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\"}]}", "messages[0].content")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "temperature")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":2}", "top_p")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":100000}", "n")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":0}", "n")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1000000}", "max_tokens")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}", "max_tokens")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_logprobs\":3}", "top_logprobs")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logit_bias\":{\"abc\":1}}", "logit_bias")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logit_bias\":{\"5\":500}}", "logit_bias")]
    [InlineData("/v1/completions", "{\"prompt\":[1,99999]}", "prompt")]
    [InlineData("/v1/completions", "{\"prompt\":[]}", "prompt")]
    [InlineData("/v1/completions", "{\"prompt\":\"x\",\"logprobs\":21}", "logprobs")]
    [InlineData("/v1/completions", "{\"prompt\":\"x\",\"echo\":true,\"logprobs\":1}", "echo")]
    [InlineData("/v1/completions", "{\"prompt\":\"x\",\"stop\":[\"\"]}", "stop")]
    [InlineData("/v1/completions", "{\"prompt\":\"x\",\"min_tokens\":50,\"max_tokens\":5}", "min_tokens")]
    public async Task BadRequest_Returns400NamingParam(string path, string json, string? param)
    {
        using var response = await fixture.Host.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        var error = await OpenAIErrorMiddlewareTests.ReadErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task PromptLongerThanContext_Returns400()
    {
        var prompt = Enumerable.Repeat(300, 600).ToArray();
        using var response = await fixture.Host.Http.PostAsJsonAsync("/v1/completions", new { prompt, max_tokens = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownModel_Returns404()
    {
        using var response = await fixture.Host.Http.PostAsJsonAsync("/v1/chat/completions", new { model = "gpt-4o", messages = new[] { new { role = "user", content = "x" } } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BodyLargerThanLimit_Returns413()
    {
        await using var host = await ServingTestHost.StartAsync(new Dictionary<string, string?> { ["Server:MaxRequestBodyBytes"] = "2048" });
        var json = "{\"prompt\":\"" + new string('a', 10_000) + "\"}";
        using var response = await host.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task MorePromptsThanTheQueueHolds_Returns429WithRetryAfter()
    {
        var (host, runner) = await ServingTestHost.StartGatedAsync(new Dictionary<string, string?>
        {
            ["Scheduler:MaxNumSeqs"] = "1",
            ["Scheduler:MaxWaitingRequests"] = "1",
        });
        await using (host)
        {
            // Each prompt is one engine request; the engine holds max_num_seqs + max_queue = 2 unfinished, and the closed
            // gate keeps the first from finishing, so the third is refused.
            runner.Close();
            using var response = await host.Http.PostAsJsonAsync("/v1/completions", new { prompt = new[] { "Once", "Twice", "Thrice" }, max_tokens = 5 });
            runner.Open();

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("queue_full", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task WaitingLongerThanQueueTimeout_Returns429WithRetryAfter()
    {
        var (host, runner) = await ServingTestHost.StartGatedAsync(new Dictionary<string, string?> { ["Server:QueueTimeout"] = "00:00:00.2" });
        await using (host)
        {
            runner.Close();
            using var response = await host.Http.PostAsJsonAsync("/v1/completions", new { prompt = "Once", max_tokens = 5 });
            runner.Open();

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("queue_timeout", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("code").GetString());
        }
    }
}
