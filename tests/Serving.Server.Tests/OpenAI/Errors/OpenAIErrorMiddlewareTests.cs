using System.Net;
using System.Text;
using System.Text.Json;

namespace Serving.Server.Tests.OpenAI.Errors;

public class OpenAIErrorMiddlewareTests
{
    [Fact]
    public async Task UnknownRoute_Returns404InOpenAIShape()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("unknown_url", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains("/v1/nothing-here", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_Returns405InOpenAIShape()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var response = await host.Http.PostAsync(new Uri("/health", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", (await ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    internal static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
        var root = document.RootElement;
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        var error = root.GetProperty("error").Clone();
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        return error;
    }
}
