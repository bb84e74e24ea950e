using Microsoft.Extensions.Options;
using Serving.Server.OpenAI.Endpoints;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.Hosting;

/// <summary>Composes the server: configuration sources, the three layers' services, the middleware and the routes. The
/// <c>serve</c> command and the end-to-end tests build the very same app.</summary>
internal static class ServingApp
{
    /// <param name="settings">Highest-precedence configuration (command-line flags, test overrides) over appsettings.json and
    /// <c>SERVING_</c>-prefixed environment variables.</param>
    /// <param name="configureServices">Registrations that win over the defaults (tests swap the clock or wrap the runner).</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddEnvironmentVariables("SERVING_");
        builder.Configuration.AddInMemoryCollection(settings);
        // NOTE: a start-up failure (bad model file, failed download) is reported once, as one line, by the serve command;
        // the host would otherwise log the same exception again with a full stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddServingServer(builder.Configuration);

        var app = builder.Build();
        app.UseMiddleware<OpenAIErrorMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>(app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.ApiKeys);
        app.MapOpenAIEndpoints();
        app.MapHealthEndpoint();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi();
        return app;
    }
}
