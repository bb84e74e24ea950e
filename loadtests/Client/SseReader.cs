using System.Buffers;
using System.Text;

namespace Serving.LoadTests.Client;

/// <summary>
/// Reads Server-Sent Events from a response stream and returns each event's data. Lines may end in LF, CRLF or CR
/// and may be split anywhere across reads (a CRLF included); several events may arrive in one read.
/// </summary>
/// <remarks>Only the <c>data</c> field matters to an OpenAI stream: <c>event</c>, <c>id</c>, <c>retry</c> and comments are skipped.</remarks>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private const int BufferBytes = 16 * 1024;

    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly StringBuilder _data = new();
    private int _start;
    private int _end;
    private bool _endOfStream;
    // NOTE: a CR ended the previous line; an LF that follows (maybe in the next read) belongs to it.
    private bool _skipLineFeed;

    /// <summary>The next event's data (multi-line data joined with LF), or null at the end of the stream.</summary>
    /// <remarks>An event cut off by the end of the stream is discarded, as the SSE specification says.</remarks>
    public async ValueTask<string?> ReadEventDataAsync(CancellationToken cancellationToken)
    {
        var hasData = false;
        _data.Clear();
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    return _data.ToString();
                }

                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            if (field != "data")
            {
                continue;
            }

            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (hasData)
            {
                _data.Append('\n');
            }

            _data.Append(value);
            hasData = true;
        }

        return null;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        while (true)
        {
            if (_start == _end)
            {
                if (_endOfStream || !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (_buffer[_start] == (byte)'\n')
                {
                    _start++;
                    continue;
                }
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOfAny((byte)'\r', (byte)'\n');
            if (newline < 0)
            {
                _line.Write(span);
                _start = _end;
                continue;
            }

            _line.Write(span[..newline]);
            _skipLineFeed = span[newline] == (byte)'\r';
            _start += newline + 1;
            // Decoding whole lines keeps multi-byte characters that straddle two reads intact.
            return Encoding.UTF8.GetString(_line.WrittenSpan);
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer.AsMemory(0, BufferBytes), cancellationToken).ConfigureAwait(false);
        _endOfStream = _end == 0;
        return !_endOfStream;
    }
}
