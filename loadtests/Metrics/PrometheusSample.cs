namespace Serving.LoadTests.Metrics;

/// <summary>One line of a Prometheus text exposition: series name, labels and value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
