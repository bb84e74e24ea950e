using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Load;

/// <summary>
/// Arrival times of the open-model segments of a plan. Arrivals fall where the integrated rate Λ(t) = ∫ rate crosses
/// successive targets: targets 1 apart give evenly spaced arrivals, Exp(1)-spaced targets a Poisson process (time
/// rescaling), and a linear ramp is solved exactly (Λ is quadratic there).
/// </summary>
internal static class ArrivalProcess
{
    /// <summary>Offsets from the run start, ascending; the same <paramref name="seed"/> gives the same times.</summary>
    public static IEnumerable<TimeSpan> Generate(LoadPlan plan, int seed)
    {
        var random = new Random(seed);
        foreach (var segment in plan.Segments.Where(s => s.Simulation.IsOpen))
        {
            var seconds = segment.Length.TotalSeconds;
            var a = segment.From;
            var b = (segment.To - segment.From) / seconds;
            var total = (segment.From + segment.To) / 2 * seconds;
            var constant = segment.Simulation.Arrival == ArrivalDistribution.Constant;
            // NOTE: evenly spaced arrivals start at the segment start (as NBomber injects its first batch at once).
            var target = constant ? 0 : Exponential(random);
            while (target < total)
            {
                yield return segment.Start + TimeSpan.FromSeconds(SolveOffset(a, b, target));
                target += constant ? 1 : Exponential(random);
            }
        }
    }

    /// <summary>The τ ≥ 0 where a·τ + b·τ²/2 = Λ.</summary>
    private static double SolveOffset(double a, double b, double lambda) =>
        Math.Abs(b) < 1e-12 ? lambda / a : (-a + Math.Sqrt(Math.Max(0, (a * a) + (2 * b * lambda)))) / b;

    private static double Exponential(Random random) => -Math.Log(1.0 - random.NextDouble());
}
