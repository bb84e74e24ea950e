namespace Serving.LoadTests.Tests;

public class LayeringTests
{
    [Fact]
    public void LoadTestsAssembly_ReferencesNoServingAssembly_SoItTestsAnyServerFromOutside()
    {
        var refs = typeof(Serving.LoadTests.Cli.RunCommand).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(refs, n => n is not null && n.StartsWith("Serving.", StringComparison.Ordinal));
    }
}
