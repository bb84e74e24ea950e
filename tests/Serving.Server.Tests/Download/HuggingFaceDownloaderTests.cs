using System.Net;
using System.Net.Sockets;
using Serving.Server.Download;

namespace Serving.Server.Tests.Download;

public sealed class HuggingFaceDownloaderTests : IDisposable
{
    private static readonly HuggingFaceFile File1 = HuggingFaceFile.Parse("hf:owner/repo/sub/model.gguf");
    private readonly string _cache = Directory.CreateTempSubdirectory("hf-cache-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public async Task DownloadAsync_Redirect_VerifiesShaAndCachesFile()
    {
        await using var hub = await FakeHub.StartAsync(RandomBytes(300_000));
        using var http = HuggingFaceDownloader.CreateHttpClient();
        var progress = new List<(long Bytes, long? Total)>();

        var path = await new HuggingFaceDownloader(http, hub.Endpoint, _cache).DownloadAsync(File1, (b, t) => progress.Add((b, t)), CancellationToken.None);

        Assert.Equal(Path.Combine(_cache, "owner--repo", "main", "sub", "model.gguf"), path);
        Assert.Equal(hub.Content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".part"));
        Assert.Equal((300_000L, (long?)300_000L), progress[^1]);

        var again = await new HuggingFaceDownloader(http, hub.Endpoint, _cache).DownloadAsync(File1, null, CancellationToken.None);
        Assert.Equal(path, again);
        Assert.Single(hub.RangeHeaders);
    }

    [Fact]
    public async Task DownloadAsync_InterruptedTransfers_ResumeWithRangeRequests()
    {
        await using var hub = await FakeHub.StartAsync(RandomBytes(500_000), interruptions: 2);
        using var http = HuggingFaceDownloader.CreateHttpClient();

        var path = await new HuggingFaceDownloader(http, hub.Endpoint, _cache).DownloadAsync(File1, null, CancellationToken.None);

        Assert.Equal(hub.Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(3, hub.RangeHeaders.Count);
        Assert.Null(hub.RangeHeaders[0]);
        Assert.StartsWith("bytes=", hub.RangeHeaders[1]);
        Assert.NotEqual(hub.RangeHeaders[1], hub.RangeHeaders[2]);
    }

    [Fact]
    public async Task DownloadAsync_ShaMismatch_FailsAndRemovesPartialFile()
    {
        await using var hub = await FakeHub.StartAsync(RandomBytes(10_000));
        hub.AnnouncedSha256 = new string('a', 64);
        using var http = HuggingFaceDownloader.CreateHttpClient();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(
            () => new HuggingFaceDownloader(http, hub.Endpoint, _cache).DownloadAsync(File1, null, CancellationToken.None));

        Assert.Contains("does not match the hub's aaaa", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cache, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_MissingFile_ReportsStatus()
    {
        await using var hub = await FakeHub.StartAsync(RandomBytes(10));
        using var http = HuggingFaceDownloader.CreateHttpClient();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => new HuggingFaceDownloader(http, hub.Endpoint, _cache)
            .DownloadAsync(HuggingFaceFile.Parse("hf:owner/repo/missing.gguf"), null, CancellationToken.None));

        Assert.Contains("answered 404", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_Offline_SaysWhatToDo()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = HuggingFaceDownloader.CreateHttpClient();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => new HuggingFaceDownloader(http, new Uri($"http://127.0.0.1:{port}/"), _cache)
            .DownloadAsync(File1, null, CancellationToken.None));

        Assert.Contains("cannot download hf:owner/repo/sub/model.gguf@main", e.Message, StringComparison.Ordinal);
        Assert.Contains("--model PATH", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hf:TheBloke/TinyLlama-GGUF/tinyllama.Q8_0.gguf", "TheBloke", "TinyLlama-GGUF", "tinyllama.Q8_0.gguf", "main")]
    [InlineData("hf:a/b/dir/f.gguf@v1.0", "a", "b", "dir/f.gguf", "v1.0")]
    public void Parse_ValidReference_SplitsParts(string text, string owner, string repo, string file, string revision) =>
        Assert.Equal(new HuggingFaceFile(owner, repo, file, revision), HuggingFaceFile.Parse(text));

    [Theory]
    [InlineData("hf:owner/repo")]
    [InlineData("hf:owner/../x.gguf")]
    [InlineData("hf:o/r/f.gguf@")]
    [InlineData("/local/model.gguf")]
    public void Parse_InvalidReference_Throws(string text) => Assert.Throws<FormatException>(() => HuggingFaceFile.Parse(text));

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
