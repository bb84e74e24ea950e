namespace Serving.Server.Cli;

/// <summary>A usage or input error of a command: printed as one line, exit code 2 (or <see cref="ExitCode"/>).</summary>
internal sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
