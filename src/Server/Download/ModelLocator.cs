namespace Serving.Server.Download;

/// <summary>Turns the <c>--model</c> value into a local file: a path as it is, an <c>hf:</c> reference downloaded into the
/// cache first (with a progress bar on the given writer).</summary>
internal static class ModelLocator
{
    public static string Resolve(string model, string cacheDirectory, TextWriter progressOutput, TimeProvider timeProvider)
    {
        if (!HuggingFaceFile.IsReference(model))
        {
            return model;
        }

        var file = HuggingFaceFile.Parse(model);
        using var http = HuggingFaceDownloader.CreateHttpClient();
        var token = Environment.GetEnvironmentVariable("HF_TOKEN");
        var downloader = new HuggingFaceDownloader(http, HuggingFaceDownloader.DefaultEndpoint, cacheDirectory, string.IsNullOrEmpty(token) ? null : token);
        var bar = new DownloadProgressBar(file.FilePath, progressOutput, timeProvider);
        // NOTE: blocking is deliberate: this runs once at start-up, before the server listens.
        return downloader.DownloadAsync(file, bar.Report, CancellationToken.None).GetAwaiter().GetResult();
    }
}
