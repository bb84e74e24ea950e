using System.Globalization;

namespace Serving.Server.Cli;

/// <summary>Parsed <c>--name value</c> options and bare <c>--flag</c> switches of one sub-command.</summary>
/// <remarks>Repeated options keep every value (<see cref="GetAll"/>); unknown options are an error, so a typo never runs silently.</remarks>
internal sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CliArgs()
    {
    }

    /// <summary>Parses <paramref name="args"/>; names in <paramref name="switches"/> take no value.</summary>
    public static CliArgs Parse(IReadOnlyList<string> args, IReadOnlySet<string> switches)
    {
        var parsed = new CliArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new CliException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            string? inlineValue = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }

            if (switches.Contains(name) && inlineValue is null)
            {
                parsed._flags.Add(name);
                continue;
            }

            var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new CliException($"option --{name} needs a value"));
            if (!parsed._values.TryGetValue(name, out var list))
            {
                parsed._values[name] = list = [];
            }

            list.Add(value);
        }

        return parsed;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _flags.Contains(name);
    }

    public string? Get(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var list) ? list[^1] : null;
    }

    public string Require(string name) => Get(name) ?? throw new CliException($"missing required option --{name}");

    public IReadOnlyList<string> GetAll(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var list) ? list : [];
    }

    public int GetInt(string name, int defaultValue) => Get(name) is { } s ? ParseInt(name, s) : defaultValue;

    public int? GetIntOrNull(string name) => Get(name) is { } s ? ParseInt(name, s) : null;

    public long? GetLongOrNull(string name) => Get(name) is { } s
        ? long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"--{name}: '{s}' is not an integer")
        : null;

    public float GetFloat(string name, float defaultValue) => GetFloatOrNull(name) ?? defaultValue;

    public float? GetFloatOrNull(string name) => Get(name) is { } s
        ? float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"--{name}: '{s}' is not a number")
        : null;

    /// <summary>Comma-separated integers, e.g. <c>--batch-seqs 4,8,16</c>.</summary>
    public IReadOnlyList<int> GetIntList(string name, IReadOnlyList<int> defaultValue) => Get(name) is { } s
        ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => ParseInt(name, p)).ToArray()
        : defaultValue;

    /// <summary>Throws if an option was given that the command never asked for.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Concat(_flags).Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException($"unknown option --{unknown[0]}");
        }
    }

    private static int ParseInt(string name, string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"--{name}: '{s}' is not an integer");
}
