using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Serving.Server.Download;

/// <summary>Downloads hub files into a local cache: resumable (HTTP range requests into a <c>.part</c> file), retried on
/// interrupted transfers, sha256-verified when the hub announces the hash, and moved into place only when complete.</summary>
internal sealed class HuggingFaceDownloader(HttpClient http, Uri endpoint, string cacheDirectory, string? token = null)
{
    private const int MaxAttempts = 5;
    private const int MaxRedirects = 10;
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>The public hub; <c>HF_ENDPOINT</c> overrides it, as in huggingface_hub.</summary>
    public static Uri DefaultEndpoint => new(Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } e ? e.TrimEnd('/') + "/" : "https://huggingface.co/");

    /// <summary>An HttpClient that leaves redirects to us: the hub's first response carries the file's hash.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(15) }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Returns the local path of <paramref name="file"/>, downloading it first unless the cache already has it.</summary>
    /// <param name="progress">Called with (bytes on disk, total bytes if known) as data arrives.</param>
    public async Task<string> DownloadAsync(HuggingFaceFile file, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        var target = file.CachePath(cacheDirectory);
        if (File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var part = target + ".part";
        var source = file.ResolveUri(endpoint);
        string? sha256 = null;
        long? total = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                (sha256, total) = await TransferAsync(source, part, sha256, total, progress, cancellationToken);
                break;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                // NOTE: the .part file keeps what arrived; the next attempt resumes from its length.
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                throw new ModelDownloadException($"cannot download {file} from {source.GetLeftPart(UriPartial.Authority)}: {e.Message}. "
                    + "Check the network (or HF_ENDPOINT / HF_TOKEN), or download the file yourself and pass --model PATH.", e);
            }
        }

        await VerifyAsync(file, part, sha256, total, cancellationToken);
        File.Move(part, target, overwrite: true);
        return target;
    }

    private async Task<(string? Sha256, long? Total)> TransferAsync(
        Uri source, string part, string? sha256, long? total, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        var have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (total is { } known && have == known)
        {
            return (sha256, total);
        }

        using var response = await SendFollowingRedirectsAsync(source, have, h => sha256 ??= HashFromHeaders(h), cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // The .part already holds the whole file (a previous run died before the rename).
            return (sha256, response.Content.Headers.ContentRange?.Length ?? have);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ModelDownloadException($"{source} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                + (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (gated or private repository: set HF_TOKEN)" : ""));
        }

        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed)
        {
            have = 0;
        }

        total = response.Content.Headers.ContentRange?.Length ?? (response.Content.Headers.ContentLength is { } len ? have + len : total);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferBytes, useAsync: true);
        var buffer = new byte[CopyBufferBytes];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            have += read;
            progress?.Invoke(have, total);
        }

        if (total is { } expected && have < expected)
        {
            throw new IOException($"connection closed after {have} of {expected} bytes");
        }

        return (sha256, total);
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Uri uri, long offset, Action<HttpResponseMessage> inspect, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            // NOTE: the token goes only to the hub itself, never to the CDN host a redirect points at.
            if (token is not null && uri.Host == endpoint.Host)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            inspect(response);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                continue;
            }

            return response;
        }

        throw new ModelDownloadException($"more than {MaxRedirects} redirects from {uri}");
    }

    /// <summary>The hub puts an LFS file's sha256 in <c>X-Linked-Etag</c> (or <c>ETag</c>) on the resolve response.</summary>
    private static string? HashFromHeaders(HttpResponseMessage response)
    {
        foreach (var name in (string[])["X-Linked-Etag", "ETag"])
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                var value = values.First().Trim().TrimStart('W', '/').Trim('"');
                if (value.Length == 64 && value.All(Uri.IsHexDigit))
                {
                    return value.ToLowerInvariant();
                }
            }
        }

        return null;
    }

    private static async Task VerifyAsync(HuggingFaceFile file, string part, string? sha256, long? total, CancellationToken cancellationToken)
    {
        var length = new FileInfo(part).Length;
        if (total is { } expected && length != expected)
        {
            File.Delete(part);
            throw new ModelDownloadException($"{file}: downloaded {length} bytes, the hub announced {expected}; the partial file was removed, try again");
        }

        if (sha256 is null)
        {
            return;
        }

        await using var stream = File.OpenRead(part);
        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        if (actual != sha256)
        {
            File.Delete(part);
            throw new ModelDownloadException($"{file}: sha256 {actual} does not match the hub's {sha256}; the download was removed, try again");
        }
    }

    private static bool IsTransient(Exception e) => e is HttpRequestException or IOException or TaskCanceledException;
}
