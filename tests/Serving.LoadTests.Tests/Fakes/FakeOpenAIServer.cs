using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serving.LoadTests.Tests.Fakes;

/// <summary>
/// A scripted OpenAI-compatible server on Kestrel at 127.0.0.1:0: /v1/models, /v1/completions and /v1/chat/completions
/// (streamed or not, one " tok" per output token, usage counted as 2 tokens per prompt word), /tokenize (2 per word)
/// and /metrics (running requests and a KV usage of 1% per running request).
/// </summary>
internal sealed class FakeOpenAIServer : IAsyncDisposable
{
    public const string ModelId = "fake-model";

    private readonly WebApplication _app;
    private readonly Func<int, FakeReply> _script;
    private readonly bool _exposeMetrics;
    private int _requests;
    private int _running;
    private int _maxRunning;
    private int _rateLimited;
    private int _midStreamErrors;

    private FakeOpenAIServer(Func<int, FakeReply> script, bool exposeMetrics)
    {
        _script = script;
        _exposeMetrics = exposeMetrics;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/v1/models", () => Results.Text($$"""{"object":"list","data":[{"id":"{{ModelId}}","object":"model"}]}""", "application/json"));
        _app.MapPost("/v1/completions", context => CompleteAsync(context, chat: false));
        _app.MapPost("/v1/chat/completions", context => CompleteAsync(context, chat: true));
        _app.MapPost("/tokenize", TokenizeAsync);
        _app.MapGet("/metrics", context => _exposeMetrics ? context.Response.WriteAsync(Metrics()) : WriteStatus(context, 404));
    }

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:0/");

    public int Requests => Volatile.Read(ref _requests);

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public int RateLimited => Volatile.Read(ref _rateLimited);

    public int MidStreamErrors => Volatile.Read(ref _midStreamErrors);

    /// <param name="script">The reply to the n-th completion request (1-based).</param>
    /// <param name="exposeMetrics">False answers /metrics with 404, as a server without metrics does.</param>
    public static async Task<FakeOpenAIServer> StartAsync(Func<int, FakeReply>? script = null, bool exposeMetrics = true)
    {
        var server = new FakeOpenAIServer(script ?? (_ => FakeReply.Normal), exposeMetrics);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CompleteAsync(HttpContext context, bool chat)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement;
        var maxTokens = root.GetProperty("max_tokens").GetInt32();
        var stream = root.TryGetProperty("stream", out var s) && s.GetBoolean();
        var prompt = chat ? root.GetProperty("messages")[0].GetProperty("content").GetString() : root.GetProperty("prompt").GetString();
        var promptTokens = 2 * (prompt ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var reply = _script(Interlocked.Increment(ref _requests));
        if (reply == FakeReply.RateLimited)
        {
            Interlocked.Increment(ref _rateLimited);
            context.Response.StatusCode = 429;
            await context.Response.WriteAsync("""{"error":{"message":"queue full","type":"rate_limit_exceeded","param":null,"code":null}}""");
            return;
        }

        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            if (!stream)
            {
                var text = string.Concat(Enumerable.Repeat(" tok", maxTokens));
                var choice = chat ? $$"""{"index":0,"message":{"role":"assistant","content":"{{text}}"},"finish_reason":"length"}""" : $$"""{"index":0,"text":"{{text}}","finish_reason":"length"}""";
                await context.Response.WriteAsync($$$"""{"choices":[{{{choice}}}],"usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{maxTokens}}}}}""");
                return;
            }

            await StreamAsync(context, chat, maxTokens, promptTokens, reply);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task StreamAsync(HttpContext context, bool chat, int maxTokens, int promptTokens, FakeReply reply)
    {
        context.Response.ContentType = "text/event-stream";
        // Chat streams end their lines in CRLF, completions in LF: the client must take both.
        var newline = chat ? "\r\n" : "\n";
        var aborted = context.RequestAborted;
        try
        {
            for (var i = 0; i < maxTokens; i++)
            {
                var choice = chat ? """{"index":0,"delta":{"content":" tok"}}""" : """{"index":0,"text":" tok"}""";
                await context.Response.WriteAsync($$"""data: {"choices":[{{choice}}]}{{newline}}{{newline}}""", aborted);
                await context.Response.Body.FlushAsync(aborted);
                if (reply == FakeReply.ErrorMidStream)
                {
                    Interlocked.Increment(ref _midStreamErrors);
                    await context.Response.WriteAsync($$$"""data: {"error":{"message":"engine failed","type":"server_error","param":null,"code":null}}{{{newline}}}{{{newline}}}data: [DONE]{{{newline}}}{{{newline}}}""", aborted);
                    return;
                }
            }

            await context.Response.WriteAsync(
                $$$"""data: {"choices":[],"usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{maxTokens}}},"total_tokens":{{{promptTokens + maxTokens}}}}}{{{newline}}}{{{newline}}}data: [DONE]{{{newline}}}{{{newline}}}""",
                aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client dropped the stream (an --abort-fraction request): stop writing, as a real server aborts.
        }
    }

    private static async Task TokenizeAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var words = body.RootElement.GetProperty("prompt").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $$"""{"count":{{2 * words}},"max_model_len":2048}"""));
    }

    private string Metrics()
    {
        var running = Volatile.Read(ref _running);
        var text = new StringBuilder();
        text.Append("# TYPE serving_num_requests_running gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"serving_num_requests_running{{model=\"{ModelId}\"}} {running}\n");
        text.Append(CultureInfo.InvariantCulture, $"serving_kv_cache_usage_ratio {running * 0.01}\n");
        text.Append("serving_num_preemptions_total 0\n");
        return text.ToString();
    }

    private static Task WriteStatus(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
