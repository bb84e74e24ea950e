using Microsoft.Extensions.Options;

namespace Serving.Server.Hosting;

/// <summary>Admission during shutdown: once SIGTERM arrives no new generation is admitted (503), running ones may finish for
/// <see cref="ServerOptions.ShutdownTimeout"/>, then the rest are aborted through <see cref="AbortToken"/>.</summary>
/// <remarks>Registered after Kestrel, so the host stops it first: requests drain while Kestrel still answers.</remarks>
internal sealed partial class ServingLifecycle(IOptions<ServerOptions> options, TimeProvider timeProvider, ILogger<ServingLifecycle> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abortAll = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _shutdownTimeout = options.Value.ShutdownTimeout;
    private int _numActive;
    private volatile bool _isDraining;

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
            Exit();
            return null;
        }

        return new Lease(this);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _isDraining = true;
        if (Volatile.Read(ref _numActive) == 0)
        {
            return;
        }

        Log.Draining(logger, NumActive, _shutdownTimeout.TotalSeconds);
        try
        {
            await _drained.Task.WaitAsync(_shutdownTimeout, timeProvider, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Log.AbortingAfterDrainTimeout(logger, NumActive);
            await _abortAll.CancelAsync();
        }
    }

    public void Dispose() => _abortAll.Dispose();

    private void Exit()
    {
        if (Interlocked.Decrement(ref _numActive) == 0 && _isDraining)
        {
            _drained.TrySetResult();
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
                owner.Exit();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1010, LogLevel.Information, "Shutting down: waiting up to {TimeoutSeconds} s for {NumActive} running requests")]
        public static partial void Draining(ILogger logger, int numActive, double timeoutSeconds);

        [LoggerMessage(1011, LogLevel.Warning, "Drain timeout expired: aborting {NumActive} requests")]
        public static partial void AbortingAfterDrainTimeout(ILogger logger, int numActive);
    }
}
