namespace Serving.Sampling.Tests;

public class LayeringTests
{
    [Fact]
    public void SamplingAssembly_ReferencesNoOtherServingAssembly()
    {
        var refs = typeof(Sampler).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(refs, n => n is not null && n.StartsWith("Serving.", StringComparison.Ordinal));
    }
}
