using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using System.Diagnostics.Metrics;
using Serving.Engine.Execution;
using Serving.Scheduler;
using Serving.Server.Hosting;
using Serving.Server.Metrics;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Endpoints;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HTTP side of the server (STYLE L7).</summary>
public static class ServerServiceCollectionExtensions
{
    /// <summary>Adds <c>ServerOptions</c> (section <c>Server</c>, validated on start), Kestrel limits and address, metrics with
    /// the Prometheus exporter, the OpenAPI document and the drain-on-shutdown lifecycle.</summary>
    public static IServiceCollection AddServingServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServerOptions>()
            .Bind(configuration.GetSection(ServerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ModelOptions>()
            .Bind(configuration.GetSection(ModelOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) => ConfigureKestrel(kestrel, server.Value));
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) =>
            host.ShutdownTimeout = server.Value.ShutdownTimeout + TimeSpan.FromSeconds(5));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServingMetrics>();
        services.TryAddSingleton(sp => ServedModel.Load(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value.ModelPath,
            sp.GetRequiredService<IOptions<ServerOptions>>().Value.ServedModelName,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IModelRunner>(sp => CreateModelRunner(sp.GetRequiredService<ServedModel>(), sp.GetRequiredService<IOptions<ModelOptions>>().Value));
        services.TryAddSingleton<PromptBuilder>();
        services.TryAddSingleton<GenerationContext>();
        services.TryAddSingleton<EngineHealth>();
        services.AddOptions<SchedulerOptions>()
            .Bind(configuration.GetSection("Scheduler"))
            .PostConfigure<ServedModel>((scheduler, model) => scheduler.MaxModelLen = scheduler.MaxModelLen == 0 ? model.ContextLength : scheduler.MaxModelLen)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IEngineClient>(sp => new EngineClient(
            sp.GetRequiredService<IModelRunner>(),
            sp.GetRequiredService<ServedModel>().Tokenizer.EosIds,
            sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IMeterFactory>(),
            sp.GetRequiredService<ILogger<EngineClient>>()));
        services.TryAddSingleton<ServingLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<ServingLifecycle>());
        services.AddOpenTelemetry().WithMetrics(metrics => ServingMetrics.Configure(metrics).AddPrometheusExporter());
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, OpenAIJsonContext.Default));
        services.AddOpenApi();
        return services;
    }

    /// <summary>The CPU runner for <paramref name="model"/> with a KV cache of <c>Engine:KVCacheMB</c>.</summary>
    internal static ModelRunner CreateModelRunner(ServedModel model, ModelOptions options)
    {
        var numBlocks = model.NumBlocksFor((long)options.KVCacheMB << 20, options.BlockSize, options.KVCacheDataType);
        if (numBlocks < 1)
        {
            throw new OptionsValidationException(ModelOptions.SectionName, typeof(ModelOptions), [$"Engine:KVCacheMB {options.KVCacheMB} MiB does not hold one KV-cache block of this model."]);
        }

        return new ModelRunner(model.File, new ModelRunnerOptions
        {
            NumBlocks = numBlocks,
            BlockSize = options.BlockSize,
            KVCacheDataType = options.KVCacheDataType,
            Threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads,
        });
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions server)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes;
        switch (server.Host)
        {
            case "localhost":
                kestrel.ListenLocalhost(server.Port);
                break;
            case "*":
                kestrel.ListenAnyIP(server.Port);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(server.Host), server.Port);
                break;
        }
    }
}
