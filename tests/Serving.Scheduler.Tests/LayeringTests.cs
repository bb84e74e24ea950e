namespace Serving.Scheduler.Tests;

public class LayeringTests
{
    [Fact]
    public void SchedulerAssembly_ReferencesOnlyEngineAndSamplingAmongOurs()
    {
        var ours = typeof(EngineClient).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Serving.", StringComparison.Ordinal))
            .Order();

        Assert.Equal(["Serving.Engine", "Serving.Sampling"], ours);
    }
}
