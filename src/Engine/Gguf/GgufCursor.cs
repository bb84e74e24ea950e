using System.Buffers.Binary;
using System.Text;

namespace Serving.Engine.Gguf;

/// <summary>Bounds-checked little-endian reader over the mapped file; every read names its offset when it runs off the end.</summary>
internal unsafe sealed class GgufCursor(byte* start, long length)
{
    public long Position { get; set; }

    public long Length => length;

    public long Remaining => length - Position;

    public byte ReadByte() => *Take(1, "uint8");

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(Take(2, "uint16"), 2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(Take(4, "uint32"), 4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(Take(8, "uint64"), 8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(new ReadOnlySpan<byte>(Take(4, "float32"), 4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(new ReadOnlySpan<byte>(Take(8, "float64"), 8));

    /// <summary>A count or length field: rejected when it could not possibly fit in the rest of the file.</summary>
    public long ReadCount(string what, long minBytesPerItem)
    {
        var at = Position;
        var raw = ReadUInt64();
        if (raw > (ulong)long.MaxValue || (long)raw > Remaining / Math.Max(1, minBytesPerItem))
        {
            throw new GgufFormatException($"{what} {raw} is larger than the {Remaining} bytes left in the file allow", at);
        }

        return (long)raw;
    }

    public string ReadString()
    {
        var at = Position;
        var len = ReadCount("string length", 1);
        var bytes = Take(len, "string");
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes, checked((int)len));
        }
        catch (Exception e) when (e is DecoderFallbackException or OverflowException)
        {
            throw new GgufFormatException("string is not valid UTF-8", at);
        }
    }

    private byte* Take(long count, string what)
    {
        if (count > Remaining)
        {
            throw new GgufFormatException($"file truncated: needed {count} bytes for {what}, {Remaining} left", Position);
        }

        var p = start + Position;
        Position += count;
        return p;
    }
}
