using System.Net;

namespace Serving.LoadTests.Tests.Client;

/// <summary>An HttpMessageHandler that answers every request with a scripted response (or exception); no network.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<string> Bodies { get; } = [];

    public static StubHandler Sse(string body, int seed = 1) => new(_ => new HttpResponseMessage(HttpStatusCode.OK)
    {
        Content = new StreamContent(new TricklingStream(body, seed)),
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Bodies.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken));
        return respond(request);
    }
}
