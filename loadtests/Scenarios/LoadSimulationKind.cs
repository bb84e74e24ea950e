using System.Text.Json.Serialization;

namespace Serving.LoadTests.Scenarios;

/// <summary>NBomber's load simulations: open models inject arrivals at a rate, closed models keep N virtual users busy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LoadSimulationKind>))]
internal enum LoadSimulationKind
{
    /// <summary>Open model: arrivals at <see cref="LoadSimulation.Rate"/> per second for the duration.</summary>
    [JsonStringEnumMemberName("inject")]
    Inject,
    /// <summary>Open model: the rate moves linearly from the previous simulation's rate (0 first) to <see cref="LoadSimulation.Rate"/>.</summary>
    [JsonStringEnumMemberName("ramping-inject")]
    RampingInject,
    /// <summary>Closed model: <see cref="LoadSimulation.Copies"/> virtual users, each sending its next request when the last one ends.</summary>
    [JsonStringEnumMemberName("keep-constant")]
    KeepConstant,
    /// <summary>Closed model: the user count moves linearly from the previous simulation's (0 first) to <see cref="LoadSimulation.Copies"/>.</summary>
    [JsonStringEnumMemberName("ramping-constant")]
    RampingConstant,
    /// <summary>Closed model that stops after <see cref="LoadSimulation.Iterations"/> measured requests (duration is an upper bound).</summary>
    [JsonStringEnumMemberName("iterations")]
    Iterations,
}
