namespace Serving.Engine.Gguf;

/// <summary>Parses the header, metadata and tensor-info table, and validates every tensor's place in the data section.</summary>
internal static class GgufHeaderParser
{
    /// <summary>Smallest possible encoded tensor info: empty name, one dimension, type, offset.</summary>
    private const long MinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;

    /// <summary>Smallest possible metadata entry: empty key, type, and a one-byte value.</summary>
    private const long MinKeyValueBytes = 8 + 4 + 1;

    /// <summary>Deepest nesting of arrays we accept; real files use one level.</summary>
    private const int MaxArrayDepth = 8;

    public static (uint Version, IReadOnlyDictionary<string, object> Metadata, IReadOnlyList<GgufTensorInfo> Tensors, uint Alignment, long DataOffset)
        Parse(GgufCursor cursor, uint magic, uint defaultAlignment, int maxDimensions)
    {
        var gotMagic = cursor.ReadUInt32();
        if (gotMagic != magic)
        {
            throw new GgufFormatException($"not a GGUF file: magic 0x{gotMagic:X8}, expected 0x{magic:X8} (\"GGUF\")", 0);
        }

        var version = cursor.ReadUInt32();
        if (version is not (2 or 3))
        {
            throw new GgufFormatException($"unsupported GGUF version {version} (supported: 2, 3)", 4);
        }

        var tensorCount = cursor.ReadCount("tensor count", MinTensorInfoBytes);
        var kvCount = cursor.ReadCount("metadata key/value count", MinKeyValueBytes);

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            var at = cursor.Position;
            var key = cursor.ReadString();
            var type = cursor.ReadUInt32();
            var value = ReadValue(cursor, type, 0);
            if (!metadata.TryAdd(key, value))
            {
                throw new GgufFormatException($"duplicate metadata key '{key}'", at);
            }
        }

        var alignment = defaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var alignValue))
        {
            alignment = GgufMetadata.Convert<uint>("general.alignment", alignValue);
            if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            {
                throw new GgufFormatException($"general.alignment {alignment} is not a power of two");
            }
        }

        var raw = new List<(string Name, long[] Dims, GgmlTypeTraits Traits, ulong Offset, long InfoAt)>((int)tensorCount);
        for (long i = 0; i < tensorCount; i++)
        {
            raw.Add(ReadTensorInfo(cursor, maxDimensions));
        }

        var dataOffset = AlignUp(cursor.Position, alignment);
        var tensors = new List<GgufTensorInfo>(raw.Count);
        foreach (var (name, dims, traits, offset, infoAt) in raw)
        {
            var elements = dims.Aggregate(1L, (a, d) => checked(a * d));
            var bytes = traits.RowBytes(elements);
            if (offset % alignment != 0)
            {
                throw new GgufFormatException($"tensor '{name}' data offset {offset} is not aligned to {alignment}", infoAt);
            }

            if (offset > (ulong)cursor.Length || dataOffset + (long)offset > cursor.Length - bytes)
            {
                throw new GgufFormatException(
                    $"tensor '{name}' data [{dataOffset + (long)offset}, +{bytes}) lies outside the file ({cursor.Length} bytes)", infoAt);
            }

            tensors.Add(new GgufTensorInfo(name, dims, traits.Type, dataOffset + (long)offset, bytes));
        }

        return (version, metadata, tensors, alignment, dataOffset);
    }

    private static (string, long[], GgmlTypeTraits, ulong, long) ReadTensorInfo(GgufCursor cursor, int maxDimensions)
    {
        var at = cursor.Position;
        var name = cursor.ReadString();
        var nDims = cursor.ReadUInt32();
        if (nDims == 0 || nDims > maxDimensions)
        {
            throw new GgufFormatException($"tensor '{name}' has {nDims} dimensions (1 to {maxDimensions} allowed)", at);
        }

        var dims = new long[nDims];
        long elements = 1;
        for (var d = 0; d < nDims; d++)
        {
            var dimAt = cursor.Position;
            var dim = cursor.ReadUInt64();
            if (dim == 0 || dim > int.MaxValue)
            {
                throw new GgufFormatException($"tensor '{name}' dimension {d} is {dim}", dimAt);
            }

            dims[d] = (long)dim;
            if (elements > long.MaxValue / dims[d])
            {
                throw new GgufFormatException($"tensor '{name}' element count overflows", dimAt);
            }

            elements *= dims[d];
        }

        var typeAt = cursor.Position;
        var rawType = cursor.ReadUInt32();
        if (!GgmlTypeTraits.TryGet(rawType, out var traits))
        {
            throw new GgufFormatException($"tensor '{name}' has unknown tensor type {rawType}", typeAt);
        }

        if (dims[0] % traits.BlockSize != 0)
        {
            throw new GgufFormatException($"tensor '{name}' row length {dims[0]} is not a multiple of the {traits.Type} block size {traits.BlockSize}", at);
        }

        var offset = cursor.ReadUInt64();
        return (name, dims, traits, offset, at);
    }

    private static object ReadValue(GgufCursor cursor, uint type, int depth)
    {
        var at = cursor.Position;
        return (GgufValueType)type switch
        {
            GgufValueType.UInt8 => cursor.ReadByte(),
            GgufValueType.Int8 => (sbyte)cursor.ReadByte(),
            GgufValueType.UInt16 => cursor.ReadUInt16(),
            GgufValueType.Int16 => (short)cursor.ReadUInt16(),
            GgufValueType.UInt32 => cursor.ReadUInt32(),
            GgufValueType.Int32 => (int)cursor.ReadUInt32(),
            GgufValueType.UInt64 => cursor.ReadUInt64(),
            GgufValueType.Int64 => (long)cursor.ReadUInt64(),
            GgufValueType.Float32 => cursor.ReadSingle(),
            GgufValueType.Float64 => cursor.ReadDouble(),
            GgufValueType.Bool => ReadBool(cursor),
            GgufValueType.String => cursor.ReadString(),
            GgufValueType.Array => ReadArray(cursor, depth),
            _ => throw new GgufFormatException($"unknown metadata value type {type}", at - 4),
        };
    }

    private static bool ReadBool(GgufCursor cursor)
    {
        var at = cursor.Position;
        var b = cursor.ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new GgufFormatException($"bool value {b} is neither 0 nor 1", at),
        };
    }

    private static GgufArray ReadArray(GgufCursor cursor, int depth)
    {
        var at = cursor.Position;
        if (depth >= MaxArrayDepth)
        {
            throw new GgufFormatException($"arrays nested deeper than {MaxArrayDepth}", at);
        }

        var elementType = cursor.ReadUInt32();
        var minSize = ElementMinSize(elementType, at);
        var count = cursor.ReadCount("array length", minSize);
        var n = checked((int)count);
        Array values = (GgufValueType)elementType switch
        {
            GgufValueType.UInt8 => Fill(new byte[n], cursor, c => c.ReadByte()),
            GgufValueType.Int8 => Fill(new sbyte[n], cursor, c => (sbyte)c.ReadByte()),
            GgufValueType.UInt16 => Fill(new ushort[n], cursor, c => c.ReadUInt16()),
            GgufValueType.Int16 => Fill(new short[n], cursor, c => (short)c.ReadUInt16()),
            GgufValueType.UInt32 => Fill(new uint[n], cursor, c => c.ReadUInt32()),
            GgufValueType.Int32 => Fill(new int[n], cursor, c => (int)c.ReadUInt32()),
            GgufValueType.UInt64 => Fill(new ulong[n], cursor, c => c.ReadUInt64()),
            GgufValueType.Int64 => Fill(new long[n], cursor, c => (long)c.ReadUInt64()),
            GgufValueType.Float32 => Fill(new float[n], cursor, c => c.ReadSingle()),
            GgufValueType.Float64 => Fill(new double[n], cursor, c => c.ReadDouble()),
            GgufValueType.Bool => Fill(new bool[n], cursor, ReadBool),
            GgufValueType.String => Fill(new string[n], cursor, c => c.ReadString()),
            _ => Fill(new GgufArray[n], cursor, c => ReadArray(c, depth + 1)),
        };
        return new GgufArray((GgufValueType)elementType, values);
    }

    private static long ElementMinSize(uint elementType, long at) => (GgufValueType)elementType switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
        GgufValueType.Array => 12,
        _ => throw new GgufFormatException($"unknown array element type {elementType}", at),
    };

    private static T[] Fill<T>(T[] values, GgufCursor cursor, Func<GgufCursor, T> read)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(cursor);
        }

        return values;
    }

    private static long AlignUp(long value, uint alignment) => (value + alignment - 1) / alignment * alignment;
}
