using System.Text.Json.Serialization;

namespace Serving.LoadTests.Scenarios;

/// <summary>How arrivals of an open-model simulation are spaced.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ArrivalDistribution>))]
internal enum ArrivalDistribution
{
    /// <summary>Exponential gaps (a Poisson process), as vLLM's benchmark_serving sends by default.</summary>
    [JsonStringEnumMemberName("poisson")]
    Poisson,
    /// <summary>Evenly spaced arrivals, 1/rate apart.</summary>
    [JsonStringEnumMemberName("constant")]
    Constant,
}
