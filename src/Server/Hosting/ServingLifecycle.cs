using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Serving.Engine.Execution;
using Serving.Scheduler;

namespace Serving.Server.Hosting;

/// <summary>Start-up and shutdown of the serving side. Start: loads the model and starts the engine loop before Kestrel
/// listens, then logs one line saying what is served where. Shutdown (SIGTERM): from <c>ApplicationStopping</c> on, no new
/// generation is admitted (503) while Kestrel lets running ones finish; after <see cref="ServerOptions.ShutdownTimeout"/>
/// the rest are aborted through <see cref="AbortToken"/>.</summary>
internal sealed partial class ServingLifecycle(
    IServiceProvider services, IHostApplicationLifetime lifetime, IOptions<ServerOptions> options, TimeProvider timeProvider, ILogger<ServingLifecycle> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abortAll = new();
    private readonly TimeSpan _shutdownTimeout = options.Value.ShutdownTimeout;
    private ITimer? _abortTimer;
    private int _numActive;
    private volatile bool _isStarted;
    private volatile bool _isDraining;

    /// <summary>True once the model is loaded, the engine loop runs and Kestrel listens.</summary>
    public bool IsStarted => _isStarted;

    /// <summary>True from the start of shutdown: <c>/health</c> answers 503 and new generations are refused.</summary>
    public bool IsDraining => _isDraining;

    /// <summary>Cancelled when the drain timeout expires; every generation links its abort to it.</summary>
    public CancellationToken AbortToken => _abortAll.Token;

    public int NumActive => Volatile.Read(ref _numActive);

    /// <summary>Admits one generation; dispose the lease when it ends. Null when draining.</summary>
    public Lease? TryEnter()
    {
        Interlocked.Increment(ref _numActive);
        if (_isDraining)
        {
            Interlocked.Decrement(ref _numActive);
            return null;
        }

        return new Lease(this);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the engine client loads the model, allocates the KV cache and starts the loop, so a bad model path or
        // a cache too small fails start-up with its message instead of failing the first request.
        services.GetRequiredService<IEngineClient>();
        lifetime.ApplicationStarted.Register(OnStarted);
        lifetime.ApplicationStopping.Register(BeginDrain);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _abortTimer?.Dispose();
        _abortAll.Dispose();
    }

    private void OnStarted()
    {
        var model = services.GetRequiredService<ServedModel>();
        var runner = services.GetRequiredService<IModelRunner>();
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var modelOptions = services.GetRequiredService<IOptions<ModelOptions>>().Value;
        Log.Started(
            logger,
            model.Name,
            model.Config.Architecture.Name,
            model.Quantization,
            model.ContextLength,
            runner.NumBlocks,
            runner.BlockSize,
            runner.NumBlocks * runner.BlockSize,
            modelOptions.KVCacheMB,
            modelOptions.KVCacheDataType,
            string.Join(", ", addresses));
        _isStarted = true;
    }

    private void BeginDrain()
    {
        _isDraining = true;
        var numActive = NumActive;
        if (numActive > 0)
        {
            Log.Draining(logger, numActive, _shutdownTimeout.TotalSeconds);
            _abortTimer = timeProvider.CreateTimer(_ => AbortRemaining(), null, _shutdownTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void AbortRemaining()
    {
        if (NumActive > 0)
        {
            Log.AbortingAfterDrainTimeout(logger, NumActive);
            _abortAll.Cancel();
        }
    }

    /// <summary>One admitted generation.</summary>
    internal sealed class Lease(ServingLifecycle owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._numActive);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Information,
            "Serving {Model} ({Architecture}, {Quantization}, context {ContextLength}) with a KV cache of {NumBlocks} blocks × {BlockSize} = {NumKVTokens} tokens ({KVCacheMB} MiB {KVCacheDataType}) at {Urls}")]
        public static partial void Started(
            ILogger logger, string model, string architecture, string quantization, int contextLength, int numBlocks, int blockSize, int numKVTokens, int kvCacheMB, KVCacheDataType kvCacheDataType, string urls);

        [LoggerMessage(1010, LogLevel.Information, "Shutting down: waiting up to {TimeoutSeconds} s for {NumActive} running requests")]
        public static partial void Draining(ILogger logger, int numActive, double timeoutSeconds);

        [LoggerMessage(1011, LogLevel.Warning, "Drain timeout expired: aborting {NumActive} requests")]
        public static partial void AbortingAfterDrainTimeout(ILogger logger, int numActive);
    }
}
