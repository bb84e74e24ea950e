using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Load;

/// <summary>
/// The load simulations laid end to end on one timeline, warm-up first. A ramp starts where the previous simulation of
/// the same model (open or closed) ended, or at 0.
/// </summary>
internal sealed class LoadPlan
{
    private LoadPlan(IReadOnlyList<PlanSegment> segments, TimeSpan warmupEnd, int? maxRequests)
    {
        Segments = segments;
        WarmupEnd = warmupEnd;
        End = segments.Count == 0 ? TimeSpan.Zero : segments[^1].End;
        MaxRequests = maxRequests;
        MaxUsers = segments.Where(s => !s.Simulation.IsOpen).Select(s => (int)Math.Max(s.From, s.To)).DefaultIfEmpty(0).Max();
        MaxRate = segments.Where(s => s.Simulation.IsOpen).Select(s => Math.Max(s.From, s.To)).DefaultIfEmpty(0).Max();
    }

    public IReadOnlyList<PlanSegment> Segments { get; }

    /// <summary>Requests that start before this offset are warm-up.</summary>
    public TimeSpan WarmupEnd { get; }

    /// <summary>No request starts at or after this offset.</summary>
    public TimeSpan End { get; }

    /// <summary>Cap on measured requests (the iterations simulation), or null.</summary>
    public int? MaxRequests { get; }

    public int MaxUsers { get; }

    public double MaxRate { get; }

    /// <summary>Places <paramref name="load"/> after a warm-up that repeats the first simulation for <paramref name="warmup"/>.</summary>
    public static LoadPlan Build(IReadOnlyList<LoadSimulation> load, TimeSpan warmup)
    {
        if (load.Count == 0)
        {
            throw new ArgumentException("a scenario needs at least one load simulation", nameof(load));
        }

        var all = warmup > TimeSpan.Zero ? [load[0] with { During = warmup }, .. load] : load.ToList();
        var segments = new List<PlanSegment>(all.Count);
        var start = TimeSpan.Zero;
        double lastRate = 0, lastUsers = 0;
        foreach (var simulation in all)
        {
            var (from, to) = simulation.Kind switch
            {
                LoadSimulationKind.Inject => (simulation.Rate, simulation.Rate),
                LoadSimulationKind.RampingInject => (lastRate, simulation.Rate),
                LoadSimulationKind.RampingConstant => (lastUsers, simulation.Copies),
                _ => (simulation.Copies, (double)simulation.Copies),
            };
            (lastRate, lastUsers) = simulation.IsOpen ? (to, lastUsers) : (lastRate, to);
            segments.Add(new PlanSegment(simulation, start, start + simulation.During, from, to));
            start += simulation.During;
        }

        var iterations = load.Where(s => s.Kind == LoadSimulationKind.Iterations).Sum(s => s.Iterations);
        return new LoadPlan(segments, warmup, iterations > 0 ? iterations : null);
    }

    /// <summary>Virtual users wanted at <paramref name="time"/> (0 during open-model segments and after the end).</summary>
    public int UsersAt(TimeSpan time)
    {
        var segment = Segments.FirstOrDefault(s => s.Start <= time && time < s.End);
        return segment is null || segment.Simulation.IsOpen ? 0 : (int)Math.Floor(segment.ValueAt(time) + 1e-9);
    }

    /// <summary>The first time at or after <paramref name="time"/> when user <paramref name="user"/> (0-based) is active, or null if never.</summary>
    public TimeSpan? NextActiveTime(int user, TimeSpan time)
    {
        var needed = user + 1;
        foreach (var segment in Segments)
        {
            if (segment.End <= time || segment.Simulation.IsOpen)
            {
                continue;
            }

            var from = segment.Start > time ? segment.Start : time;
            if (segment.ValueAt(from) + 1e-9 >= needed)
            {
                return from;
            }

            if (segment.To > segment.From && segment.To >= needed)
            {
                // value(t) = From + (To − From)·(t − Start)/Length reaches `needed` at this fraction of the segment.
                var at = segment.Start + (segment.Length * ((needed - segment.From) / (segment.To - segment.From)));
                if (at < segment.End)
                {
                    return at > from ? at : from;
                }
            }
        }

        return null;
    }
}
