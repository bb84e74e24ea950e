using System.Collections.Concurrent;

namespace Serving.LoadTests.Load;

/// <summary>
/// Runs a <see cref="LoadPlan"/>: open-model arrivals are started on schedule without waiting for each other, closed-model
/// virtual users each run one request at a time. Stops by itself: nothing starts after the plan ends, and whatever is
/// still running a drain timeout later is cancelled through the token handed to each request.
/// </summary>
internal sealed class LoadDriver(LoadPlan plan, TimeProvider timeProvider, int seed, int maxInFlight)
{
    private readonly ConcurrentBag<Task> _requests = [];
    private long _started;
    private int _nextIndex;
    private int _measuredIssued;
    private int _openInFlight;
    private int _dropped;

    /// <summary>Open-model arrivals not sent because <c>maxInFlight</c> requests were already running (client saturation).</summary>
    public int Dropped => _dropped;

    /// <summary>Time since <see cref="RunAsync"/> started, on the plan's timeline.</summary>
    public TimeSpan Elapsed => timeProvider.GetElapsedTime(Interlocked.Read(ref _started));

    /// <summary>Runs the plan; <paramref name="send"/> must not throw and must finish soon after its token is cancelled.</summary>
    public async Task RunAsync(Func<LoadArrival, CancellationToken, Task> send, TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _started, timeProvider.GetTimestamp());
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new List<Task> { Task.Run(() => InjectAsync(send, hardStop.Token), CancellationToken.None) };
        for (var user = 0; user < plan.MaxUsers; user++)
        {
            var id = user;
            loops.Add(Task.Run(() => VirtualUserAsync(id, send, hardStop.Token), CancellationToken.None));
        }

        // The loops end with the plan (a closed user after its last request); drained requests follow.
        var all = Task.WhenAll(loops).ContinueWith(_ => Task.WhenAll(_requests), TaskScheduler.Default).Unwrap();
        var deadline = plan.End + drainTimeout - Elapsed;
        try
        {
            await all.WaitAsync(deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await hardStop.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(false);
        }
    }

    private async Task InjectAsync(Func<LoadArrival, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        foreach (var due in ArrivalProcess.Generate(plan, seed))
        {
            if (!await WaitUntilAsync(due, cancellationToken).ConfigureAwait(false) || !TryClaim(due, out var arrival))
            {
                return;
            }

            if (Interlocked.Increment(ref _openInFlight) > maxInFlight)
            {
                Interlocked.Decrement(ref _openInFlight);
                Interlocked.Increment(ref _dropped);
                continue;
            }

            _requests.Add(SendOpenAsync(send, arrival, cancellationToken));
        }
    }

    private async Task SendOpenAsync(Func<LoadArrival, CancellationToken, Task> send, LoadArrival arrival, CancellationToken cancellationToken)
    {
        try
        {
            await send(arrival, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _openInFlight);
        }
    }

    private async Task VirtualUserAsync(int user, Func<LoadArrival, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Elapsed;
            if (now >= plan.End)
            {
                return;
            }

            if (user >= plan.UsersAt(now))
            {
                if (plan.NextActiveTime(user, now) is not { } next || !await WaitUntilAsync(next, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (!TryClaim(now, out var arrival))
            {
                return;
            }

            await send(arrival, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Numbers the next request, or refuses once the plan has ended or its request cap is reached.</summary>
    private bool TryClaim(TimeSpan now, out LoadArrival arrival)
    {
        arrival = default;
        var warmup = now < plan.WarmupEnd;
        if (now >= plan.End || (!warmup && plan.MaxRequests is { } cap && Interlocked.Increment(ref _measuredIssued) > cap))
        {
            return false;
        }

        arrival = new LoadArrival(Interlocked.Increment(ref _nextIndex) - 1, warmup, now);
        return true;
    }

    private async Task<bool> WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
    {
        var wait = due - Elapsed;
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return due < plan.End;
    }
}
