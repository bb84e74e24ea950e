using Serving.LoadTests.Load;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Tests.Load;

public class LoadPlanTests
{
    [Fact]
    public void Build_WarmupRepeatsTheFirstSimulation_AndStepsFollowEachOther()
    {
        var plan = LoadPlan.Build([Users(LoadSimulationKind.KeepConstant, 4, 10), Users(LoadSimulationKind.RampingConstant, 8, 4)], TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), plan.WarmupEnd);
        Assert.Equal(TimeSpan.FromSeconds(16), plan.End);
        Assert.Equal(8, plan.MaxUsers);
        Assert.Equal(4, plan.UsersAt(TimeSpan.FromSeconds(1)));
        Assert.Equal(4, plan.UsersAt(TimeSpan.FromSeconds(11.9)));
        // Ramp 4 → 8 over [12 s, 16 s): one more user each second.
        Assert.Equal(5, plan.UsersAt(TimeSpan.FromSeconds(13)));
        Assert.Equal(7, plan.UsersAt(TimeSpan.FromSeconds(15.5)));
        Assert.Equal(0, plan.UsersAt(TimeSpan.FromSeconds(16)));
    }

    [Fact]
    public void NextActiveTime_OnARamp_IsWhenTheUserCountReachesTheUser()
    {
        var plan = LoadPlan.Build([Users(LoadSimulationKind.RampingConstant, 4, 8)], TimeSpan.Zero);

        // 0 → 4 users over 8 s: user i (0-based) starts when 4·t/8 ≥ i + 1, at t = 2(i + 1).
        Assert.Equal(TimeSpan.FromSeconds(2), plan.NextActiveTime(0, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(6), plan.NextActiveTime(2, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(3), plan.NextActiveTime(0, TimeSpan.FromSeconds(3)));
        // User 3 would start at 8 s, the end of the plan: never.
        Assert.Null(plan.NextActiveTime(3, TimeSpan.Zero));
    }

    [Fact]
    public void Build_Iterations_SetsTheRequestCap()
    {
        var plan = LoadPlan.Build([new LoadSimulation { Kind = LoadSimulationKind.Iterations, Iterations = 50, Copies = 3 }], TimeSpan.Zero);
        Assert.Equal(50, plan.MaxRequests);
        Assert.Equal(3, plan.MaxUsers);
    }

    private static LoadSimulation Users(LoadSimulationKind kind, int copies, double seconds) =>
        new() { Kind = kind, Copies = copies, During = TimeSpan.FromSeconds(seconds) };
}
