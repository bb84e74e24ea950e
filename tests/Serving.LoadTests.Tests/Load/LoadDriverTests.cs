using Microsoft.Extensions.Time.Testing;
using Serving.LoadTests.Load;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Tests.Load;

public class LoadDriverTests
{
    [Fact]
    public async Task RunAsync_KeepConstant3_NeverMoreThan3InFlight_AndReaches3()
    {
        var (time, plan) = Closed(new LoadSimulation { Kind = LoadSimulationKind.KeepConstant, Copies = 3, During = TimeSpan.FromSeconds(1) }, warmup: 0.2);
        var probe = new ConcurrencyProbe(time, gateAt: 3);

        await new LoadDriver(plan, time, seed: 1, maxInFlight: 100).RunAsync(probe.SendAsync, TimeSpan.FromSeconds(30), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, probe.MaxInFlight);
        // Each request advances the fake clock by 1 ms, so 1.2 s of plan takes about 1200 requests (the last
        // ones of each user may overlap the end by a few).
        Assert.InRange(probe.Arrivals.Count, 1200, 1203);
        Assert.Equal(Enumerable.Range(0, probe.Arrivals.Count), probe.Arrivals.Select(a => a.Index).Order());
        Assert.All(probe.Arrivals, a => Assert.Equal(a.Start < TimeSpan.FromSeconds(0.2), a.Warmup));
    }

    [Fact]
    public async Task RunAsync_Iterations50By4Users_SendsExactly50MeasuredRequests()
    {
        var (time, plan) = Closed(new LoadSimulation { Kind = LoadSimulationKind.Iterations, Iterations = 50, Copies = 4, During = TimeSpan.FromMinutes(5) }, warmup: 0);
        var probe = new ConcurrencyProbe(time, gateAt: 4);

        await new LoadDriver(plan, time, seed: 1, maxInFlight: 100).RunAsync(probe.SendAsync, TimeSpan.FromSeconds(30), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(50, probe.Arrivals.Count);
        Assert.Equal(4, probe.MaxInFlight);
    }

    private static (FakeTimeProvider Time, LoadPlan Plan) Closed(LoadSimulation simulation, double warmup) =>
        (new FakeTimeProvider(), LoadPlan.Build([simulation], TimeSpan.FromSeconds(warmup)));

    /// <summary>
    /// A send that records concurrency and moves the fake clock 1 ms per request instead of doing work. The first
    /// requests wait until <c>gateAt</c> are in flight together, so reaching full concurrency is certain, not luck.
    /// </summary>
    private sealed class ConcurrencyProbe(FakeTimeProvider time, int gateAt)
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;

        public int MaxInFlight { get; private set; }

        public List<LoadArrival> Arrivals { get; } = [];

        public async Task SendAsync(LoadArrival arrival, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                _inFlight++;
                MaxInFlight = Math.Max(MaxInFlight, _inFlight);
                Arrivals.Add(arrival);
                if (_inFlight == gateAt)
                {
                    _gate.TrySetResult();
                }
            }

            await _gate.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            lock (_lock)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
                _inFlight--;
            }
        }
    }
}
