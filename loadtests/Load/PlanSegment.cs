using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Load;

/// <summary>A simulation placed on the run's timeline; its rate or user count moves linearly from <see cref="From"/> to <see cref="To"/>.</summary>
internal sealed record PlanSegment(LoadSimulation Simulation, TimeSpan Start, TimeSpan End, double From, double To)
{
    public TimeSpan Length => End - Start;

    /// <summary>The rate (open) or user count (closed) at <paramref name="time"/>, linear between the ends.</summary>
    public double ValueAt(TimeSpan time) =>
        Length <= TimeSpan.Zero ? To : From + ((To - From) * Math.Clamp((time - Start) / Length, 0, 1));
}
