namespace Serving.Server.Tests;

/// <summary>One running server on stories260K shared by a test class (a loaded model is the expensive immutable thing
/// STYLE Q2 allows a fixture for).</summary>
public sealed class ServingHostFixture : IAsyncLifetime
{
    internal ServingTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServingTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
