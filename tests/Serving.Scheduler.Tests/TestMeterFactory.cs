using System.Diagnostics.Metrics;

namespace Serving.Scheduler.Tests;

/// <summary>Gives each test its own meter scope, so <c>MetricCollector</c> sees only that test's engine.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
