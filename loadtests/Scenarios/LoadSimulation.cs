using System.Text.Json.Serialization;

namespace Serving.LoadTests.Scenarios;

/// <summary>One step of a scenario's load profile; the steps run one after another.</summary>
internal sealed record LoadSimulation
{
    public required LoadSimulationKind Kind { get; init; }

    /// <summary>Arrivals per second (inject kinds).</summary>
    public double Rate { get; init; }

    /// <summary>Virtual users (constant kinds and iterations).</summary>
    public int Copies { get; init; }

    /// <summary>Measured requests to send (iterations only).</summary>
    public int Iterations { get; init; }

    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan During { get; init; } = TimeSpan.FromSeconds(30);

    public ArrivalDistribution Arrival { get; init; } = ArrivalDistribution.Poisson;

    [JsonIgnore]
    public bool IsOpen => Kind is LoadSimulationKind.Inject or LoadSimulationKind.RampingInject;

    /// <summary>Parses the command line's <c>KIND:VALUE[:poisson|constant|:USERS]</c>, e.g. <c>inject:4</c>, <c>keep-constant:8</c>, <c>iterations:100:4</c>.</summary>
    public static LoadSimulation Parse(string spec, TimeSpan during)
    {
        var parts = spec.Split(':');
        if (parts.Length < 2 || !double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new ArgumentException($"--load '{spec}': expected KIND:NUMBER (keep-constant:USERS, inject:RATE_PER_S, ...)");
        }

        var extra = parts.Length > 2 ? parts[2] : null;
        return parts[0] switch
        {
            "inject" or "ramping-inject" => new LoadSimulation
            {
                Kind = parts[0] == "inject" ? LoadSimulationKind.Inject : LoadSimulationKind.RampingInject,
                Rate = value,
                During = during,
                Arrival = extra switch
                {
                    null or "poisson" => ArrivalDistribution.Poisson,
                    "constant" => ArrivalDistribution.Constant,
                    _ => throw new ArgumentException($"--load '{spec}': the arrival distribution is poisson or constant"),
                },
            },
            "keep-constant" => new LoadSimulation { Kind = LoadSimulationKind.KeepConstant, Copies = WholeUsers(spec, value), During = during },
            "ramping-constant" => new LoadSimulation { Kind = LoadSimulationKind.RampingConstant, Copies = WholeUsers(spec, value), During = during },
            "iterations" => new LoadSimulation
            {
                Kind = LoadSimulationKind.Iterations,
                Iterations = WholeUsers(spec, value),
                Copies = extra is null ? 1 : WholeUsers(spec, double.Parse(extra, System.Globalization.CultureInfo.InvariantCulture)),
                During = during,
            },
            _ => throw new ArgumentException($"--load '{spec}': unknown kind '{parts[0]}' (inject, ramping-inject, keep-constant, ramping-constant, iterations)"),
        };
    }

    private static int WholeUsers(string spec, double value) =>
        value == Math.Floor(value) && value >= 1 ? (int)value : throw new ArgumentException($"--load '{spec}': expected a whole number >= 1");
}
