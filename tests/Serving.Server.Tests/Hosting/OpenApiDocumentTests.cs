using System.Text.Json;

namespace Serving.Server.Tests.Hosting;

public class OpenApiDocumentTests
{
    [Fact]
    public async Task OpenApiDocument_ListsEveryApiRouteWithRequestSchemas()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var document = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var path in new[] { "/v1/models", "/v1/completions", "/v1/chat/completions", "/tokenize", "/detokenize" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        var chatBody = paths.GetProperty("/v1/chat/completions").GetProperty("post").GetProperty("requestBody");
        Assert.True(chatBody.GetProperty("content").TryGetProperty("application/json", out _));
    }
}
