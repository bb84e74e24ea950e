using Serving.Engine.Gguf;

namespace Serving.Engine.Tests.Gguf;

public sealed class GgufMalformedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gguf-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Open_WrongMagic_NamesMagicAtOffsetZero()
    {
        var e = OpenFails(new GgufBuilder().Header(3, 0, 0, magic: 0x4C4C4747).ToArray());
        Assert.Contains("magic", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, e.Offset);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void Open_UnsupportedVersion_Fails(uint version)
    {
        var e = OpenFails(new GgufBuilder().Header(version, 0, 0).ToArray());
        Assert.Contains($"unsupported GGUF version {version}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AbsurdTensorCount_FailsWithoutAllocating()
    {
        var e = OpenFails(new GgufBuilder().Header(3, 1UL << 40, 0).Bytes(new byte[1000]).ToArray());
        Assert.Contains("tensor count", e.Message, StringComparison.Ordinal);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void Open_AbsurdStringLength_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 0, 1).U64(ulong.MaxValue / 2).Bytes(new byte[100]).ToArray();
        Assert.Contains("string length", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AbsurdArrayLength_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 0, 1).String("a").U32((uint)GgufValueType.Array)
            .U32((uint)GgufValueType.UInt64).U64(1_000_000_000_000).Bytes(new byte[64]).ToArray();
        Assert.Contains("array length", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnknownValueType_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 0, 1).String("a").U32(77).Bytes(new byte[8]).ToArray();
        Assert.Contains("unknown metadata value type 77", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnknownTensorType_NamesTensorAndType()
    {
        var bytes = new GgufBuilder().Header(3, 1, 0).Tensor("w", [32], (GgmlType)99, 0).PadTo(32).Bytes(new byte[256]).ToArray();
        var e = OpenFails(bytes);
        Assert.Contains("tensor 'w' has unknown tensor type 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TooManyDimensions_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 1, 0).Tensor("w", [1, 1, 1, 1, 1], GgmlType.F32, 0).PadTo(32).Bytes(new byte[64]).ToArray();
        Assert.Contains("5 dimensions", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TensorDataPastEnd_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 1, 0).Tensor("w", [64, 4], GgmlType.F32, 0).PadTo(32).Bytes(new byte[64 * 4 * 4 - 1]).ToArray();
        Assert.Contains("tensor 'w' data", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MisalignedTensorOffset_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 1, 0).Tensor("w", [8], GgmlType.F32, 4).PadTo(32).Bytes(new byte[64]).ToArray();
        Assert.Contains("not aligned", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RowNotMultipleOfBlock_Fails()
    {
        var bytes = new GgufBuilder().Header(3, 1, 0).Tensor("w", [48], GgmlType.Q8_0, 0).PadTo(32).Bytes(new byte[128]).ToArray();
        Assert.Contains("block size 32", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyFile_FailsAsTruncated()
    {
        Assert.Contains("truncated", OpenFails([]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EveryValueTypeAndNestedArraysAndCustomAlignment_RoundTrip()
    {
        var b = new GgufBuilder().Header(2, 1, 6)
            .KeyU32("general.alignment", 64)
            .KeyString("s", "héllo")
            .String("f").U32((uint)GgufValueType.Float64).Bytes(BitConverter.GetBytes(2.5))
            .String("b").U32((uint)GgufValueType.Bool).Bytes(1)
            .String("i8").U32((uint)GgufValueType.Int8).Bytes(0xFF)
            .String("nested").U32((uint)GgufValueType.Array).U32((uint)GgufValueType.Array).U64(2)
                .U32((uint)GgufValueType.Int16).U64(2).Bytes(1, 0, 0xFE, 0xFF)
                .U32((uint)GgufValueType.String).U64(1).String("x")
            .Tensor("w", [4], GgmlType.F32, 0);
        b.PadTo(64).F32(1).F32(2).F32(3).F32(4);

        using var file = GgufFile.Open(Write(b.ToArray()));

        Assert.Equal(2u, file.Version);
        Assert.Equal(64u, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal("héllo", file.Get<string>("s"));
        Assert.Equal(2.5, file.Get<double>("f"));
        Assert.True(file.Get<bool>("b"));
        Assert.Equal((sbyte)-1, file.Get<sbyte>("i8"));
        var nested = file.Get<GgufArray[]>("nested")!;
        Assert.Equal(new short[] { 1, -2 }, (short[])nested[0].Values);
        Assert.Equal(new[] { "x" }, (string[])nested[1].Values);
        var data = file.GetTensorBytes(file.FindTensor("w")!);
        Assert.Equal(4f, BitConverter.ToSingle(data[12..]));
    }

    [Fact]
    public void Open_RealFileTruncatedAnywhere_FailsWithFormatException()
    {
        var full = File.ReadAllBytes(SharedData.Model("stories260K.gguf"));
        long dataOffset;
        using (var file = GgufFile.Open(SharedData.Model("stories260K.gguf")))
        {
            dataOffset = file.DataOffset;
        }

        var offsets = Enumerable.Range(0, (int)dataOffset).Where(i => i < 4096 || i % 7 == 0)
            .Concat(Enumerable.Range(0, 64).Select(i => (int)dataOffset + (int)((full.Length - dataOffset - 1) * i / 63)));
        var path = Path.Combine(_dir, "truncated.gguf");
        foreach (var length in offsets)
        {
            File.WriteAllBytes(path, full.AsSpan(0, length).ToArray());
            var e = Record.Exception(() => GgufFile.Open(path).Dispose());
            Assert.True(e is GgufFormatException, $"truncated at {length}: {e?.GetType().Name ?? "no exception"} {e?.Message}");
        }
    }

    private GgufFormatException OpenFails(byte[] bytes) => Assert.Throws<GgufFormatException>(() => GgufFile.Open(Write(bytes)).Dispose());

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".gguf");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
