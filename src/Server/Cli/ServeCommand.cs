using System.Globalization;
using Microsoft.Extensions.Options;
using Serving.Engine.ChatTemplates;
using Serving.Engine.Gguf;
using Serving.Engine.Model;
using Serving.Server.Hosting;

namespace Serving.Server.Cli;

/// <summary><c>serving serve --model PATH [...]</c>: runs the OpenAI-compatible HTTP server until SIGTERM/Ctrl-C.</summary>
/// <remarks>Flags are only the highest-precedence configuration source: each maps to one configuration key, so
/// appsettings.json and <c>SERVING_Section__Key</c> environment variables can set the same things.</remarks>
internal static class ServeCommand
{
    /// <summary>Flag → configuration key. <c>--api-key</c> may repeat; <c>--queue-timeout</c> takes a duration.</summary>
    private static readonly (string Flag, string Key)[] Flags =
    [
        ("model", "Engine:ModelPath"),
        ("host", "Server:Host"),
        ("port", "Server:Port"),
        ("served-model-name", "Server:ServedModelName"),
        ("kv-cache-mb", "Engine:KVCacheMB"),
        ("kv-cache-dtype", "Engine:KVCacheDataType"),
        ("max-num-seqs", "Scheduler:MaxNumSeqs"),
        ("max-num-batched-tokens", "Scheduler:MaxNumBatchedTokens"),
        ("max-queue", "Scheduler:MaxWaitingRequests"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = ToSettings(CliArgs.Parse(args, new HashSet<string>()));
        try
        {
            await using var app = ServingApp.Build(settings);
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            throw new CliException($"invalid configuration: {string.Join("; ", e.Failures)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or GgufFormatException or ModelLoadException or NotSupportedException or ChatTemplateException)
        {
            throw new CliException($"cannot load the model: {e.Message}");
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or OverflowException or ArgumentException)
        {
            // The configuration binder reports a value it cannot convert (e.g. --port abc) this way.
            throw new CliException($"invalid configuration: {e.Message} {e.InnerException.Message}");
        }
    }

    /// <summary>The configuration keys the given flags set; throws <see cref="CliException"/> on an unknown flag.</summary>
    public static Dictionary<string, string?> ToSettings(CliArgs cli)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (flag, key) in Flags)
        {
            if (cli.Get(flag) is { } value)
            {
                settings[key] = value;
            }
        }

        var apiKeys = cli.GetAll("api-key");
        for (var i = 0; i < apiKeys.Count; i++)
        {
            settings[$"Server:ApiKeys:{i}"] = apiKeys[i];
        }

        if (cli.Get("queue-timeout") is { } timeout)
        {
            settings["Server:QueueTimeout"] = ParseDuration("queue-timeout", timeout).ToString("c", CultureInfo.InvariantCulture);
        }

        cli.EnsureAllRead();
        return settings;
    }

    /// <summary>Parses <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, bare seconds (<c>30</c>) or a TimeSpan (<c>00:00:30</c>).</summary>
    public static TimeSpan ParseDuration(string flag, string text)
    {
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value))
        {
            return TimeSpan.FromSeconds(value * scale);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new CliException($"--{flag}: '{text}' is not a duration (e.g. 30s, 500ms, 2m)");
    }
}
