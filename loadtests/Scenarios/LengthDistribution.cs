namespace Serving.LoadTests.Scenarios;

/// <summary>A token length per request: fixed, uniform on [Min, Max], or normal(Mean, StdDev) clamped to [Min, Max].</summary>
internal sealed record LengthDistribution
{
    public LengthDistributionKind Kind { get; init; } = LengthDistributionKind.Fixed;

    /// <summary>The fixed length, or the mean of the normal.</summary>
    public double Mean { get; init; } = 128;

    public double StdDev { get; init; }

    public int Min { get; init; } = 1;

    public int Max { get; init; } = int.MaxValue;

    public static LengthDistribution Fixed(int length) => new() { Mean = length };

    /// <summary>Parses the command line's <c>N</c>, <c>uniform:MIN:MAX</c> or <c>normal:MEAN:STDDEV</c>.</summary>
    public static LengthDistribution Parse(string text)
    {
        var parts = text.Split(':');
        var numbers = parts.Skip(parts.Length > 1 ? 1 : 0)
            .Select(p => double.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : double.NaN).ToArray();
        return (parts[0], numbers) switch
        {
            (_, [var n]) when parts.Length == 1 && n >= 1 => Fixed((int)n),
            ("uniform", [var min, var max]) when min >= 1 && max >= min => new() { Kind = LengthDistributionKind.Uniform, Min = (int)min, Max = (int)max },
            ("normal", [var mean, var stdDev]) when mean >= 1 => new() { Kind = LengthDistributionKind.Normal, Mean = mean, StdDev = stdDev },
            _ => throw new ArgumentException($"'{text}' is not a length: N, uniform:MIN:MAX or normal:MEAN:STDDEV"),
        };
    }

    public int Sample(Random random) => Kind switch
    {
        LengthDistributionKind.Fixed => Clamp(Mean),
        LengthDistributionKind.Uniform => random.Next(Min, Max + 1),
        LengthDistributionKind.Normal => Clamp(Mean + (StdDev * StandardNormal(random))),
        _ => throw new InvalidOperationException($"unknown length distribution {Kind}"),
    };

    private int Clamp(double length) => (int)Math.Clamp(Math.Round(length), Math.Max(1, Min), Max);

    /// <summary>Box–Muller: one standard normal draw from two uniforms.</summary>
    private static double StandardNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
