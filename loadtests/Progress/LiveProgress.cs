using Spectre.Console;

namespace Serving.LoadTests.Progress;

/// <summary>
/// Shows elapsed time, in-flight, finished, errors and current output token throughput while the run goes: a live
/// Spectre.Console table on an interactive terminal, a plain line every few seconds when output is redirected (CI).
/// </summary>
internal sealed class LiveProgress(ProgressCounters counters, Func<TimeSpan> elapsed, TimeSpan total, TimeProvider timeProvider)
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(500);

    private long _lastTokens;
    private TimeSpan _lastElapsed;

    /// <summary>Updates the display until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(bool enabled, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return;
        }

        var interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        try
        {
            if (interactive)
            {
                await AnsiConsole.Live(Render()).StartAsync(async context =>
                {
                    using var timer = new PeriodicTimer(LiveInterval, timeProvider);
                    while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                    {
                        context.UpdateTarget(Render());
                    }
                }).ConfigureAwait(false);
            }
            else
            {
                using var timer = new PeriodicTimer(PlainInterval, timeProvider);
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    var (now, tokensPerSecond) = Sample();
                    await Console.Out.WriteLineAsync(FormattableString.Invariant(
                        $"[{now.TotalSeconds,6:0.0}s/{total.TotalSeconds:0}s] in flight {counters.InFlight}, finished {counters.Finished}, errors {counters.Errors}, aborted {counters.Aborted}, {tokensPerSecond:0.0} tok/s")).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended; the display stops with it.
        }
    }

    private Table Render()
    {
        var (now, tokensPerSecond) = Sample();
        var table = new Table().Border(TableBorder.Rounded).Title("load test");
        foreach (var column in (ReadOnlySpan<string>)["elapsed", "in flight", "finished", "errors", "aborted", "output tok/s"])
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        table.AddRow(
            FormattableString.Invariant($"{now.TotalSeconds:0.0} / {total.TotalSeconds:0} s"),
            counters.InFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
            counters.Finished.ToString(System.Globalization.CultureInfo.InvariantCulture),
            counters.Errors > 0 ? $"[red]{counters.Errors}[/]" : "0",
            counters.Aborted.ToString(System.Globalization.CultureInfo.InvariantCulture),
            FormattableString.Invariant($"{tokensPerSecond:0.0}"));
        return table;
    }

    /// <summary>Elapsed time and the output token rate since the previous sample.</summary>
    private (TimeSpan Now, double TokensPerSecond) Sample()
    {
        var now = elapsed();
        var tokens = counters.OutputTokens;
        var seconds = (now - _lastElapsed).TotalSeconds;
        var rate = seconds > 0 ? (tokens - _lastTokens) / seconds : 0;
        (_lastTokens, _lastElapsed) = (tokens, now);
        return (now, rate);
    }
}
