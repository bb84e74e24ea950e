using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Serving.Engine.Kernels;

/// <summary>
/// One pool of worker threads for the whole run (<see cref="Threads"/> - 1 workers plus the calling thread). No allocation
/// per call. Workers spin briefly after a loop ends before they block, so the ~200 matmuls of a decode step do not each pay
/// a futex wake (llama.cpp's threadpool spins the same way).
/// </summary>
/// <remarks>One caller at a time: <see cref="For{TBody}(int, ref TBody)"/> is not reentrant and not thread-safe.</remarks>
public sealed unsafe class WorkerPool : IDisposable
{
    // NOTE: roughly 100-200 µs of spinning (Thread.SpinWait(10) measured ~1-2 µs on the Zen 4 host). That covers the gaps
    // between matmuls inside a step (norms, RoPE, attention) but not the idle time between steps, so a waiting server
    // sleeps instead of burning both cores.
    private const int SpinRounds = 100;
    private const int SpinIterationsPerRound = 10;

    // NOTE: claims go through one 64-bit word, [job:24 | count:20 | next index:20], so a worker that wakes late (or is
    // descheduled mid-claim) can never take an index of a newer job: its compare-and-swap fails once the job id moved on.
    // The caller therefore waits only for items actually claimed, not for every worker to check in.
    private const int IndexBits = 20;
    private const int MaxItemsPerJob = (1 << IndexBits) - 1;
    private const long IndexMask = MaxItemsPerJob;

    private readonly Thread[] _workers;
    private readonly ManualResetEventSlim[] _wakeEvents;
    private readonly int[] _sleeping;

    private int _generation;
    private long _claims;
    private int _completed;
    private int _offset;
    private delegate*<void*, int, void> _invoke;
    private void* _body;
    private Exception? _error;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="threads"/> - 1 background worker threads that live until <see cref="Dispose"/>.</summary>
    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        _wakeEvents = new ManualResetEventSlim[threads - 1];
        _sleeping = new int[threads - 1];
        for (var i = 0; i < _workers.Length; i++)
        {
            _wakeEvents[i] = new ManualResetEventSlim(false);
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"Serving.Kernels.Worker{i + 1}" };
            _workers[i].Start(i);
        }
    }

    /// <summary>Threads that run loop bodies, including the caller of <see cref="For{TBody}(int, ref TBody)"/>.</summary>
    public int Threads { get; }

    /// <summary>
    /// Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>) across the threads and returns when all are
    /// done. Indices are handed out dynamically; each runs exactly once. The first exception thrown by a body is rethrown
    /// here after every index has run or failed.
    /// </summary>
    public void For<TBody>(int count, ref TBody body)
        where TBody : struct, IParallelBody
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_workers.Length == 0 || count <= 1)
        {
            for (var i = 0; i < count; i++)
            {
                body.Invoke(i);
            }

            return;
        }

        if (_body != null)
        {
            throw new InvalidOperationException("WorkerPool.For is not reentrant: a body called For, or two threads share one pool.");
        }

        // NOTE: the body is copied to this stack frame so its address stays fixed while workers call it (the caller's ref
        // may point into a movable object).
        var local = body;
        _invoke = &InvokeBody<TBody>;
        _body = Unsafe.AsPointer(ref local);
        _error = null;
        for (var offset = 0; offset < count; offset += MaxItemsPerJob)
        {
            RunJob(offset, Math.Min(MaxItemsPerJob, count - offset));
        }

        _body = null;
        body = local;
        if (_error is { } error)
        {
            _error = null;
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>Stops and joins the workers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Interlocked.Increment(ref _generation);
        WakeSleepers();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        foreach (var wake in _wakeEvents)
        {
            wake.Dispose();
        }
    }

    private static void InvokeBody<TBody>(void* body, int index)
        where TBody : struct, IParallelBody => Unsafe.AsRef<TBody>(body).Invoke(index);

    private void WakeSleepers()
    {
        for (var i = 0; i < _sleeping.Length; i++)
        {
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
            {
                _wakeEvents[i].Set();
            }
        }
    }

    private void RunJob(int offset, int count)
    {
        _offset = offset;
        _completed = 0;
        var generation = Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _claims, ((long)(generation & 0xFFFFFF) << (2 * IndexBits)) | ((long)count << IndexBits));
        WakeSleepers();

        RunItems(generation);
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _completed) != count)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Claims and runs indices of job <paramref name="generation"/> until none are left.</summary>
    private void RunItems(int generation)
    {
        var job = (long)(generation & 0xFFFFFF);
        while (true)
        {
            var claims = Volatile.Read(ref _claims);
            var index = claims & IndexMask;
            if (claims >>> (2 * IndexBits) != job || index >= ((claims >>> IndexBits) & IndexMask))
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) != claims)
            {
                continue;
            }

            try
            {
                _invoke(_body, _offset + (int)index);
            }
#pragma warning disable CA1031 // Rethrown on the calling thread by For.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }

            Interlocked.Increment(ref _completed);
        }
    }

    private void WorkerLoop(object? state)
    {
        var id = (int)state!;
        var seen = 0;
        while (true)
        {
            seen = WaitForGeneration(id, seen);
            if (_disposed)
            {
                return;
            }

            RunItems(seen);
        }
    }

    /// <summary>Spins, then blocks, until the generation differs from <paramref name="seen"/>; returns the new one.</summary>
    /// <remarks>
    /// Handshake: the worker announces sleep by setting <c>_sleeping[id]</c> to 1 and re-reads the generation; the caller
    /// bumps the generation and then swaps the flag to 0, setting the event only when it took a 1. Exactly one side clears a
    /// given announcement, so every Set is consumed by exactly one Wait and no wake-up is lost.
    /// </remarks>
    private int WaitForGeneration(int id, int seen)
    {
        for (var round = 0; round < SpinRounds; round++)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation != seen)
            {
                return generation;
            }

            Thread.SpinWait(SpinIterationsPerRound);
        }

        var wake = _wakeEvents[id];
        while (true)
        {
            Interlocked.Exchange(ref _sleeping[id], 1);
            var generation = Volatile.Read(ref _generation);
            if (generation != seen)
            {
                if (Interlocked.Exchange(ref _sleeping[id], 0) == 0)
                {
                    wake.Wait(); // the caller already took our announcement and sets (or has set) the event: consume it
                }

                wake.Reset();
                return generation;
            }

            wake.Wait();
            wake.Reset();
        }
    }
}
