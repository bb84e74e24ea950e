using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Serving.LoadTests.Client;
using Serving.LoadTests.Workload;

namespace Serving.LoadTests.Tests.Client;

public class LlmClientTests
{
    private static readonly ApiEndpoints Endpoints = ApiEndpoints.Parse("http://127.0.0.1:1/v1");

    [Fact]
    public async Task SendAsync_CompletionsStreamWithUsageChunk_CountsTextChunksAndReadsUsage()
    {
        var sse = Chunk("""{"choices":[{"index":0,"text":"Once"}]}""")
            + Chunk("""{"choices":[{"index":0,"text":" upon"}]}""")
            + Chunk("""{"choices":[{"index":0,"text":" a","finish_reason":"length"}]}""")
            + Chunk("""{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""")
            + "data: [DONE]\n\n";

        var record = await SendAsync(StubHandler.Sse(sse), Plan(stream: true));

        Assert.Equal(200, record.Status);
        Assert.Equal(ErrorKind.None, record.Error);
        Assert.Equal(3, record.NumChunks);
        Assert.Equal(2, record.InterTokenMs.Count);
        Assert.Equal(5, record.PromptTokens);
        Assert.Equal(3, record.OutputTokens);
        Assert.NotNull(record.TtftMs);
        Assert.True(record.Succeeded);
    }

    [Fact]
    public async Task SendAsync_ChatStreamRoleOnlyFirstDelta_IsNotATokenArrival()
    {
        var sse = Chunk("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""")
            + Chunk("""{"choices":[{"index":0,"delta":{"content":"Hi"}}]}""")
            + Chunk("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")
            + "data: [DONE]\r\n\r\n";

        var record = await SendAsync(StubHandler.Sse(sse), Plan(stream: true, chat: true));

        Assert.Equal(ErrorKind.None, record.Error);
        Assert.Equal(1, record.NumChunks);
        Assert.Empty(record.InterTokenMs);
        Assert.Null(record.OutputTokens);
        Assert.Equal(1, record.EffectiveOutputTokens);
    }

    [Fact]
    public async Task SendAsync_ErrorJsonMidStream_IsAStreamErrorWithTheServerMessage()
    {
        var sse = Chunk("""{"choices":[{"index":0,"text":"a"}]}""")
            + Chunk("""{"error":{"message":"engine failed","type":"server_error","param":null,"code":null}}""")
            + "data: [DONE]\n\n";

        var record = await SendAsync(StubHandler.Sse(sse, seed: 9), Plan(stream: true));

        Assert.Equal(200, record.Status);
        Assert.Equal(ErrorKind.StreamError, record.Error);
        Assert.Equal("engine failed", record.ErrorMessage);
        Assert.Equal(1, record.NumChunks);
    }

    [Fact]
    public async Task SendAsync_StreamEndsWithoutDone_IsADisconnect()
    {
        var record = await SendAsync(StubHandler.Sse(Chunk("""{"choices":[{"text":"a"}]}""")), Plan(stream: true));
        Assert.Equal(ErrorKind.Disconnect, record.Error);
    }

    [Fact]
    public async Task SendAsync_429WithOpenAIError_RecordsStatusAndMessage()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"error":{"message":"queue full","type":"rate_limit_exceeded","param":null,"code":null}}"""),
        });

        var record = await SendAsync(handler, Plan(stream: true));

        Assert.Equal(429, record.Status);
        Assert.Equal(ErrorKind.HttpStatus, record.Error);
        Assert.Equal("queue full", record.ErrorMessage);
        Assert.False(record.Succeeded);
    }

    [Fact]
    public async Task SendAsync_AbortAfterTwoChunks_StopsReadingAndIsNotAnError()
    {
        var sse = string.Concat(Enumerable.Range(0, 10).Select(i => Chunk($$"""{"choices":[{"text":"t{{i}}"}]}"""))) + "data: [DONE]\n\n";

        var record = await SendAsync(StubHandler.Sse(sse), Plan(stream: true) with { AbortAfterChunks = 2 });

        Assert.True(record.Aborted);
        Assert.Equal(ErrorKind.None, record.Error);
        Assert.Equal(2, record.NumChunks);
        Assert.False(record.Succeeded);
    }

    [Fact]
    public async Task SendAsync_NonStreamed_TtftIsTheWholeResponseAndUsageIsRead()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"choices":[{"index":0,"text":"abc","finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":7}}"""),
        });

        var record = await SendAsync(handler, Plan(stream: false));

        Assert.Equal(ErrorKind.None, record.Error);
        Assert.Equal(7, record.OutputTokens);
        Assert.Equal(4, record.PromptTokens);
        Assert.NotNull(record.TtftMs);
        Assert.True(record.TtftMs <= record.E2eMs);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_IsConnectFailed()
    {
        var handler = new StubHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var record = await SendAsync(handler, Plan(stream: true));
        Assert.Equal(ErrorKind.ConnectFailed, record.Error);
        Assert.Equal(0, record.Status);
    }

    [Fact]
    public async Task SendAsync_NoAnswerWithinTheRequestTimeout_IsATimeout()
    {
        var time = new FakeTimeProvider();
        var handler = new HangingHandler();
        using var http = new HttpClient(handler);
        var client = new LlmClient(http, Endpoints, time, TimeSpan.FromSeconds(30));

        var pending = client.SendAsync(Plan(stream: true), startMs: 0, warmup: false, CancellationToken.None);
        await handler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));
        var record = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorKind.Timeout, record.Error);
        Assert.Equal(30_000, record.E2eMs);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000", "http://127.0.0.1:8000/v1/completions")]
    [InlineData("http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1/completions")]
    [InlineData("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/completions")]
    [InlineData("http://127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1/completions")]
    [InlineData("http://host:1/proxy/v1", "http://host:1/proxy/v1/completions")]
    public void ApiEndpointsParse_RootOrV1_GiveTheSameUrls(string baseUrl, string completions)
    {
        var endpoints = ApiEndpoints.Parse(baseUrl);
        Assert.Equal(completions, endpoints.Completions.ToString());
        Assert.Equal(completions.Replace("v1/completions", "metrics", StringComparison.Ordinal), endpoints.Metrics.ToString());
    }

    /// <summary>Never answers; only the request's cancellation ends it.</summary>
    private sealed class HangingHandler : HttpMessageHandler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("unreachable: an infinite wait only ends by cancellation");
        }
    }

    private static string Chunk(string json) => "data: " + json + "\n\n";

    private static RequestPlan Plan(bool stream, bool chat = false) => new()
    {
        Index = 0,
        Chat = chat,
        Stream = stream,
        Body = Encoding.UTF8.GetBytes("{}"),
    };

    private static async Task<RequestRecord> SendAsync(StubHandler handler, RequestPlan plan)
    {
        using var http = new HttpClient(handler);
        var client = new LlmClient(http, Endpoints, TimeProvider.System, TimeSpan.FromSeconds(30));
        return await client.SendAsync(plan, startMs: 0, warmup: false, CancellationToken.None);
    }
}
