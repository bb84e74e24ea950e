using Serving.LoadTests.Load;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Tests.Load;

public class ArrivalProcessTests
{
    [Fact]
    public void Generate_Poisson50PerSecondFor200s_CountAndGapsMatchThePoissonProcess()
    {
        var plan = LoadPlan.Build([Inject(50, 200)], TimeSpan.Zero);
        var times = ArrivalProcess.Generate(plan, seed: 42).Select(t => t.TotalSeconds).ToList();

        // Expected 10000 arrivals, σ = √10000 = 100 (1%); the tolerance is 3%.
        Assert.InRange(times.Count, 9700, 10300);
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        var mean = gaps.Average();
        var sd = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Count);
        // Exponential gaps: mean 1/50 s, coefficient of variation 1 (each within 5%).
        Assert.InRange(mean, 0.02 * 0.95, 0.02 * 1.05);
        Assert.InRange(sd / mean, 0.95, 1.05);
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public void Generate_Constant50PerSecond_ArrivalsAreExactly20msApartFromZero()
    {
        var plan = LoadPlan.Build([Inject(50, 10) with { Arrival = ArrivalDistribution.Constant }], TimeSpan.Zero);
        var times = ArrivalProcess.Generate(plan, seed: 1).Select(t => t.TotalSeconds).ToList();

        Assert.Equal(500, times.Count);
        for (var k = 0; k < times.Count; k++)
        {
            Assert.Equal(k / 50.0, times[k], tolerance: 1e-6);
        }
    }

    [Fact]
    public void Generate_RampFrom0To100Over400s_FollowsTheIntegratedRate()
    {
        var plan = LoadPlan.Build([new LoadSimulation { Kind = LoadSimulationKind.RampingInject, Rate = 100, During = TimeSpan.FromSeconds(400) }], TimeSpan.Zero);
        var times = ArrivalProcess.Generate(plan, seed: 7).Select(t => t.TotalSeconds).ToList();

        // Λ(t) = t²/8 arrivals: 20000 in all (σ ≈ 141, tolerance 3% ≈ 4σ), 5000 in the first half (σ ≈ 71, tolerance 5% ≈ 3.5σ).
        Assert.InRange(times.Count, 19400, 20600);
        Assert.InRange(times.Count(t => t < 200), 4750, 5250);
    }

    [Fact]
    public void Generate_ConstantRamp_ArrivalsSitWhereTheIntegratedRateCrossesEachInteger()
    {
        // Rate 0 → 10 over 10 s: Λ(t) = t²/2, so arrival k (k = 0, 1, ...) is at √(2k).
        var plan = LoadPlan.Build(
            [new LoadSimulation { Kind = LoadSimulationKind.RampingInject, Rate = 10, During = TimeSpan.FromSeconds(10), Arrival = ArrivalDistribution.Constant }],
            TimeSpan.Zero);
        var times = ArrivalProcess.Generate(plan, seed: 1).Select(t => t.TotalSeconds).ToList();

        Assert.Equal(50, times.Count);
        for (var k = 0; k < times.Count; k++)
        {
            Assert.Equal(Math.Sqrt(2.0 * k), times[k], tolerance: 1e-6);
        }
    }

    [Fact]
    public void Generate_SameSeed_SameTimes_OtherSeed_OtherTimes()
    {
        var plan = LoadPlan.Build([Inject(20, 5)], TimeSpan.Zero);
        Assert.Equal(ArrivalProcess.Generate(plan, 3), ArrivalProcess.Generate(plan, 3));
        Assert.NotEqual(ArrivalProcess.Generate(plan, 3), ArrivalProcess.Generate(plan, 4));
    }

    [Fact]
    public void Generate_WarmupThenInject_CoversBothSegments()
    {
        var plan = LoadPlan.Build([Inject(10, 4) with { Arrival = ArrivalDistribution.Constant }], TimeSpan.FromSeconds(1));
        var times = ArrivalProcess.Generate(plan, 1).ToList();
        Assert.Equal(10, times.Count(t => t < plan.WarmupEnd));
        Assert.Equal(40, times.Count(t => t >= plan.WarmupEnd));
    }

    private static LoadSimulation Inject(double rate, double seconds) =>
        new() { Kind = LoadSimulationKind.Inject, Rate = rate, During = TimeSpan.FromSeconds(seconds) };
}
