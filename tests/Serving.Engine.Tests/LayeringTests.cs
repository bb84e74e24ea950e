namespace Serving.Engine.Tests;

public class LayeringTests
{
    [Fact]
    public void EngineAssembly_ReferencesNoOtherServingAssembly()
    {
        var refs = typeof(Serving.Engine.Gguf.GgufFile).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(refs, n => n is not null && n.StartsWith("Serving.", StringComparison.Ordinal));
    }
}
