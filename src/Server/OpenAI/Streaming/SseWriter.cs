using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Serving.Server.OpenAI.Streaming;

/// <summary>Writes OpenAI's server-sent events, <c>data: {json}\n\n</c> … <c>data: [DONE]\n\n</c>, as UTF-8 straight into
/// the response <see cref="PipeWriter"/> (STYLE T6): no intermediate strings, one reused <see cref="Utf8JsonWriter"/>.</summary>
/// <remarks>We write the bytes ourselves instead of using <c>TypedResults.ServerSentEvents</c> because the framework's
/// <c>SseItem&lt;T&gt;</c> serialization had a bug in .NET 10 RC2 (dotnet/aspnetcore#64183); the golden test pins ours.
/// Not thread-safe: one writer per response.</remarks>
internal sealed class SseWriter : IDisposable
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;

    private readonly PipeWriter _output;
    private readonly Utf8JsonWriter _json;

    public SseWriter(PipeWriter output)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, JsonResponses.WriterOptions);
    }

    /// <summary>Buffers one <c>data:</c> event; nothing reaches the client until <see cref="FlushAsync"/>.</summary>
    public void WriteEvent<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        _output.Write(DataPrefix);
        _json.Reset(_output);
        JsonSerializer.Serialize(_json, value, typeInfo);
        _json.Flush();
        _output.Write(EventEnd);
    }

    /// <summary>Buffers the terminating <c>data: [DONE]</c> event.</summary>
    public void WriteDone() => _output.Write(Done);

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

    public void Dispose() => _json.Dispose();
}
