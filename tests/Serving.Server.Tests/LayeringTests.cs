namespace Serving.Server.Tests;

public class LayeringTests
{
    [Fact]
    public void ServerAssembly_ReferencesOnlyLowerServingLayers()
    {
        var refs = typeof(Serving.Server.Hosting.ServerOptions).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Serving.", StringComparison.Ordinal))
            .ToList();
        Assert.All(refs, n => Assert.Contains(n, new[] { "Serving.Scheduler", "Serving.Engine", "Serving.Sampling" }));
    }
}
