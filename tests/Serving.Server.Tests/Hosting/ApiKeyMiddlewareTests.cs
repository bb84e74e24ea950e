using System.Net;
using System.Net.Http.Headers;
using Serving.Server.Tests.OpenAI.Errors;

namespace Serving.Server.Tests.Hosting;

public class ApiKeyMiddlewareTests
{
    private static readonly Dictionary<string, string?> TwoKeys = new() { ["Server:ApiKeys:0"] = "key-one", ["Server:ApiKeys:1"] = "second-key" };

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer key-on")]
    [InlineData("Basic key-one")]
    public async Task Metrics_MissingOrWrongKey_Returns401InOpenAIShape(string? authorization)
    {
        await using var host = await ServingTestHost.StartAsync(TwoKeys);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", (await OpenAIErrorMiddlewareTests.ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("key-one")]
    [InlineData("second-key")]
    public async Task Metrics_AnyConfiguredKey_IsAccepted(string key)
    {
        await using var host = await ServingTestHost.StartAsync(TwoKeys);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_WithoutKey_IsNotGuarded()
    {
        await using var host = await ServingTestHost.StartAsync(TwoKeys);
        using var response = await host.Http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
