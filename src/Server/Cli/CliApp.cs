namespace Serving.Server.Cli;

/// <summary>Entry point: dispatches <c>serving COMMAND [options]</c> to one command handler; <c>serve</c> is the default.</summary>
internal static class CliApp
{
    /// <summary>Each command lives in its own file; the table is the only place that names them all.</summary>
    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["serve"] = ServeCommand.RunAsync,
        ["render-template"] = RenderTemplateCommand.RunAsync,
        ["tokenize"] = TokenizeCommand.RunAsync,
        ["generate"] = GenerateCommand.RunAsync,
        ["bench"] = BenchCommand.RunAsync,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var name = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        if (name is "help" or "--help" || !Commands.TryGetValue(name, out var command))
        {
            await Console.Error.WriteLineAsync($"usage: serving [{string.Join('|', Commands.Keys)}] [options]");
            return name is "help" ? 0 : 2;
        }

        try
        {
            return await command(rest);
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
    }
}
