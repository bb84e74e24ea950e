using System.Text;

namespace Serving.LoadTests.Tests.Client;

/// <summary>A read-only stream that hands out 1 to 3 bytes per read (seeded), to split lines, CRLFs and UTF-8 characters anywhere.</summary>
internal sealed class TricklingStream(byte[] data, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public TricklingStream(string text, int seed)
        : this(Encoding.UTF8.GetBytes(text), seed)
    {
    }

    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        var n = Math.Min(Math.Min(buffer.Length, _random.Next(1, 4)), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
