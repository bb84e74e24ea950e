using System.Text.Json;

namespace Serving.Server.Tests.OpenAI.Endpoints;

public class ModelsEndpointTests
{
    [Fact]
    public async Task Models_Default_ListsTheGgufFileName()
    {
        await using var host = await ServingTestHost.StartAsync();
        using var body = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));

        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        var card = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("stories260K", card.GetProperty("id").GetString());
        Assert.Equal("model", card.GetProperty("object").GetString());
        Assert.Equal("serving", card.GetProperty("owned_by").GetString());
        Assert.Equal(512, card.GetProperty("max_model_len").GetInt32());
    }

    [Fact]
    public async Task Models_ServedModelName_ListsThatName()
    {
        await using var host = await ServingTestHost.StartAsync(new Dictionary<string, string?> { ["Server:ServedModelName"] = "tiny" });
        using var body = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));

        Assert.Equal("tiny", body.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
    }
}
