using System.Text;
using Serving.Engine.Gguf;

namespace Serving.Engine.Tests.Gguf;

/// <summary>Writes GGUF bytes field by field, so tests can build valid files and break them in exact places.</summary>
internal sealed class GgufBuilder
{
    private readonly List<byte> _bytes = [];

    public GgufBuilder Header(uint version, ulong tensorCount, ulong kvCount, uint magic = 0x46554747)
    {
        return U32(magic).U32(version).U64(tensorCount).U64(kvCount);
    }

    public GgufBuilder String(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return U64((ulong)bytes.Length).Bytes(bytes);
    }

    public GgufBuilder U32(uint v)
    {
        _bytes.AddRange(BitConverter.GetBytes(v));
        return this;
    }

    public GgufBuilder U64(ulong v)
    {
        _bytes.AddRange(BitConverter.GetBytes(v));
        return this;
    }

    public GgufBuilder F32(float v)
    {
        _bytes.AddRange(BitConverter.GetBytes(v));
        return this;
    }

    public GgufBuilder Bytes(params byte[] b)
    {
        _bytes.AddRange(b);
        return this;
    }

    public GgufBuilder KeyU32(string key, uint v) => String(key).U32((uint)GgufValueType.UInt32).U32(v);

    public GgufBuilder KeyString(string key, string v) => String(key).U32((uint)GgufValueType.String).String(v);

    public GgufBuilder Tensor(string name, long[] dims, GgmlType type, ulong offset)
    {
        String(name).U32((uint)dims.Length);
        foreach (var d in dims)
        {
            U64((ulong)d);
        }

        return U32((uint)type).U64(offset);
    }

    public GgufBuilder PadTo(int alignment)
    {
        while (_bytes.Count % alignment != 0)
        {
            _bytes.Add(0);
        }

        return this;
    }

    public byte[] ToArray()
    {
        return [.. _bytes];
    }
}
