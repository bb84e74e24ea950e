using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serving.Server.Tests.Download;

/// <summary>A local stand-in for the hub's resolve URLs: a redirect carrying the sha256, then a CDN route with range
/// support that can cut the connection part-way through the first transfer.</summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _interruptionsLeft;

    private FakeHub(WebApplication app, byte[] content, int interruptions)
    {
        _app = app;
        Content = content;
        _interruptionsLeft = interruptions;
    }

    public byte[] Content { get; }

    public string AnnouncedSha256 { get; set; } = "";

    public List<string?> RangeHeaders { get; } = [];

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeHub> StartAsync(byte[] content, int interruptions = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var hub = new FakeHub(app, content, interruptions) { AnnouncedSha256 = Convert.ToHexStringLower(SHA256.HashData(content)) };
        app.MapGet("/{owner}/{repo}/resolve/{revision}/{**file}", (HttpContext ctx, string file) =>
        {
            if (file == "missing.gguf")
            {
                return Results.NotFound();
            }

            ctx.Response.Headers["X-Linked-Etag"] = $"\"{hub.AnnouncedSha256}\"";
            ctx.Response.Headers["X-Linked-Size"] = content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Redirect("/cdn/" + file);
        });
        app.MapGet("/cdn/{**file}", hub.ServeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        hub.Endpoint = new Uri(address + "/");
        return hub;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ServeAsync(HttpContext ctx)
    {
        var range = ctx.Request.Headers.Range.ToString();
        lock (RangeHeaders)
        {
            RangeHeaders.Add(range.Length == 0 ? null : range);
        }

        long start = 0;
        if (range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            if (start >= Content.Length)
            {
                ctx.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                ctx.Response.Headers.ContentRange = $"bytes */{Content.Length}";
                return;
            }

            ctx.Response.StatusCode = StatusCodes.Status206PartialContent;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{Content.Length - 1}/{Content.Length}";
        }

        ctx.Response.ContentLength = Content.Length - start;
        if (Interlocked.Decrement(ref _interruptionsLeft) >= 0)
        {
            // Send part of the body, then drop the connection as a flaky network would.
            await ctx.Response.Body.WriteAsync(Content.AsMemory((int)start, (int)((Content.Length - start) / 3)));
            await ctx.Response.Body.FlushAsync();
            ctx.Abort();
            return;
        }

        await ctx.Response.Body.WriteAsync(Content.AsMemory((int)start));
    }
}
