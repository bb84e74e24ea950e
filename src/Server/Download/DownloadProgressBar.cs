namespace Serving.Server.Download;

/// <summary>A one-line progress bar on stderr (redrawn at most a few times a second; a plain line per 10% when redirected).</summary>
internal sealed class DownloadProgressBar(string label, TextWriter output, TimeProvider time)
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(250);
    private readonly long _started = time.GetTimestamp();
    private long _lastDraw;
    private int _lastDecile = -1;

    public void Report(long bytes, long? total)
    {
        var now = time.GetTimestamp();
        var done = total is { } t && bytes >= t;
        if (Console.IsErrorRedirected)
        {
            var decile = total is { } tt && tt > 0 ? (int)(bytes * 10 / tt) : -1;
            if (decile != _lastDecile || done)
            {
                _lastDecile = decile;
                output.WriteLine(Describe(bytes, total, now));
            }

            return;
        }

        if (!done && time.GetElapsedTime(_lastDraw, now) < RedrawInterval)
        {
            return;
        }

        _lastDraw = now;
        output.Write("\r" + Describe(bytes, total, now) + (done ? Environment.NewLine : ""));
    }

    private string Describe(long bytes, long? total, long now)
    {
        var seconds = Math.Max(time.GetElapsedTime(_started, now).TotalSeconds, 1e-3);
        var rate = bytes / seconds / (1 << 20);
        if (total is not { } t || t <= 0)
        {
            return $"{label}: {bytes / (double)(1 << 20):F1} MiB ({rate:F1} MiB/s)";
        }

        const int Width = 30;
        var filled = (int)(Width * Math.Min(1.0, bytes / (double)t));
        return $"{label}: [{new string('#', filled)}{new string(' ', Width - filled)}] {100.0 * bytes / t,5:F1}% "
            + $"{bytes / (double)(1 << 20):F1}/{t / (double)(1 << 20):F1} MiB {rate:F1} MiB/s";
    }
}
