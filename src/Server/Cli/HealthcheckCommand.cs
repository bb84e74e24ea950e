namespace Serving.Server.Cli;

/// <summary><c>serving healthcheck [--url URL]</c>: exits 0 when the server's <c>/health</c> answers 200, 1 otherwise.
/// The container's HEALTHCHECK uses it, since the runtime image has no curl.</summary>
internal static class HealthcheckCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = CliArgs.Parse(args, new HashSet<string>());
        var port = Environment.GetEnvironmentVariable("SERVING_Server__Port") is { Length: > 0 } p ? p : "8000";
        var url = a.Get("url") ?? $"http://127.0.0.1:{port}/health";
        var timeout = a.GetInt("timeout-seconds", 3);
        a.EnsureAllRead();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(timeout) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            await Console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {e.Message}");
            return 1;
        }
    }
}
