using System.Globalization;

namespace Serving.LoadTests.Cli;

/// <summary><c>--name value</c> pairs (and bare <c>--flag</c> booleans) from the command line; every option must be consumed.</summary>
internal sealed class CliOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CliOptions(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            var name = args[i][2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                _values[name[..equals]] = name[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[name] = args[++i];
            }
            else
            {
                _values[name] = "true";
            }
        }
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public double? Double(string name) => String(name) is { } text
        ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(name, text, "a number")
        : null;

    public int? Int(string name) => String(name) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(name, text, "a whole number")
        : null;

    public bool? Bool(string name) => String(name) is { } text
        ? bool.TryParse(text, out var value) ? value : throw Invalid(name, text, "true or false")
        : null;

    public TimeSpan? Duration(string name)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        try
        {
            return Scenarios.DurationJsonConverter.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--{name}: {e.Message}", e);
        }
    }

    /// <summary>Fails on any option no reader asked for, so a misspelt option is never silently ignored.</summary>
    public void ThrowIfUnused()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
        }
    }

    private static ArgumentException Invalid(string name, string text, string expected) => new($"--{name} '{text}': expected {expected}");
}
