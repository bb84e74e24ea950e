using Serving.LoadTests.Client;

namespace Serving.LoadTests.Tests.Client;

public class SseReaderTests
{
    private const string Mixed =
        "data: {\"a\":1}\r\n\r\n" +
        ": keep-alive comment\n\n" +
        "event: message\nid: 7\ndata: {\"b\":\"é😀\"}\n\n" +
        "data: line one\ndata:line two\r\rdata: {\"usage\":{\"prompt_tokens\":3}}\n\n" +
        "data: [DONE]\n\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    public async Task ReadEventDataAsync_ReadsOf1To3Bytes_YieldTheSameEvents(int seed)
    {
        var stream = new TricklingStream(Mixed, seed);
        var events = await ReadAllAsync(stream);

        Assert.Equal(["{\"a\":1}", "{\"b\":\"é😀\"}", "line one\nline two", "{\"usage\":{\"prompt_tokens\":3}}", "[DONE]"], events);
        Assert.True(stream.Reads > Mixed.Length / 3);
    }

    [Fact]
    public async Task ReadEventDataAsync_ManyEventsInOneRead_ReturnsEachInOrder()
    {
        using var stream = new MemoryStream("data: 1\n\ndata: 2\n\ndata: 3\n\n"u8.ToArray());
        Assert.Equal(["1", "2", "3"], await ReadAllAsync(stream));
    }

    [Fact]
    public async Task ReadEventDataAsync_EventCutOffByEndOfStream_IsDiscarded()
    {
        using var stream = new MemoryStream("data: whole\n\ndata: cut"u8.ToArray());
        Assert.Equal(["whole"], await ReadAllAsync(stream));
    }

    [Fact]
    public async Task ReadEventDataAsync_CrLfSplitBetweenReads_DoesNotMakeAnExtraBlankLine()
    {
        // A CR at the end of one read and its LF at the start of the next must stay one line ending: a blank line
        // in between would dispatch "x" early and "data: y" would become a separate event. 30 seeds of 1–3-byte
        // reads split each of the three CRLFs in many of the runs.
        var bytes = "data: x\r\ndata: y\r\n\r\n"u8.ToArray();
        for (var seed = 0; seed < 30; seed++)
        {
            Assert.Equal(["x\ny"], await ReadAllAsync(new TricklingStream(bytes, seed)));
        }
    }

    private static async Task<List<string>> ReadAllAsync(Stream stream)
    {
        using var reader = new SseReader(stream);
        var events = new List<string>();
        while (await reader.ReadEventDataAsync(CancellationToken.None) is { } data)
        {
            events.Add(data);
        }

        return events;
    }
}
