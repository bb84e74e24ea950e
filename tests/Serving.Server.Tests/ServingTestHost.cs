using System.ClientModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;
using Serving.Engine.Execution;
using Serving.Engine.Tests;
using Serving.Server.Hosting;

namespace Serving.Server.Tests;

/// <summary>The real app on in-process Kestrel at http://127.0.0.1:0 (STYLE Q7); the port is read back from the server.</summary>
internal sealed class ServingTestHost : IAsyncDisposable
{
    private ServingTestHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Starts the app; <paramref name="configureServices"/> registrations win over the defaults.</summary>
    public static async Task<ServingTestHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Server:Host"] = "127.0.0.1",
            ["Server:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Engine:ModelPath"] = SharedData.Model("stories260K.gguf"),
            ["Engine:KVCacheMB"] = "1",
            ["Engine:KVCacheDataType"] = "F32",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = ServingApp.Build(all, configureServices);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ServingTestHost(app, new Uri(address));
    }

    /// <summary>Starts the app with its model runner wrapped in a <see cref="GatedModelRunner"/> the test controls.</summary>
    public static async Task<(ServingTestHost Host, GatedModelRunner Runner)> StartGatedAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        GatedModelRunner? gated = null;
        var host = await StartAsync(settings, services => services.AddSingleton<IModelRunner>(sp =>
            gated = new GatedModelRunner(ServerServiceCollectionExtensions.CreateModelRunner(
                sp.GetRequiredService<ServedModel>(), sp.GetRequiredService<IOptions<ModelOptions>>().Value))));
        return (host, gated!);
    }

    public OpenAIClient CreateOpenAIClient(string apiKey = "unused") =>
        new(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1") });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
