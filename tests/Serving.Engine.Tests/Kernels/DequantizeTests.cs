using System.Buffers.Binary;
using Serving.Engine.Gguf;
using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

/// <summary>Each format against blocks built by hand from ggml's format definitions, with values worked out by hand.</summary>
public class DequantizeTests
{
    private const ushort HalfOne = 0x3C00;     // 1.0
    private const ushort HalfHalf = 0x3800;    // 0.5
    private const ushort HalfQuarter = 0x3400; // 0.25

    [Fact]
    public void Row_F32_CopiesValues()
    {
        var source = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(source, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(source.AsSpan(4), -2.25f);

        Assert.Equal(new[] { 1.5f, -2.25f }, Run(GgmlType.F32, source, 2));
    }

    [Fact]
    public void Row_F16_ConvertsNormalSubnormalAndSpecialValues()
    {
        ushort[] bits = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555];
        var source = new byte[bits.Length * 2];
        for (var i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(source.AsSpan(2 * i), bits[i]);
        }

        var y = Run(GgmlType.F16, source, bits.Length);

        Assert.Equal(new[] { 1f, -2f, 65504f, MathF.Pow(2, -24), -0f, float.PositiveInfinity, 0.333251953125f }, y);
    }

    [Fact]
    public void Row_BF16_TakesUpperHalfOfFloat()
    {
        byte[] source = [0x80, 0x3F, 0x40, 0xC0]; // 0x3F80 = 1.0, 0xC040 = -3.0

        Assert.Equal(new[] { 1f, -3f }, Run(GgmlType.BF16, source, 2));
    }

    [Fact]
    public void Row_Q8_0_ScalesSignedBytes()
    {
        var block = new byte[34];
        BinaryPrimitives.WriteUInt16LittleEndian(block, HalfQuarter);
        for (var j = 0; j < 32; j++)
        {
            block[2 + j] = (byte)(sbyte)(j - 16);
        }

        var y = Run(GgmlType.Q8_0, block, 32);

        Assert.Equal(-4f, y[0]);      // (0 - 16) * 0.25
        Assert.Equal(3.75f, y[31]);   // (31 - 16) * 0.25
        for (var j = 0; j < 32; j++)
        {
            Assert.Equal((j - 16) * 0.25f, y[j]);
        }
    }

    [Fact]
    public void Row_Q4_0_LowNibblesFirstThenHighNibbles()
    {
        var block = new byte[18];
        BinaryPrimitives.WriteUInt16LittleEndian(block, HalfHalf);
        for (var j = 0; j < 16; j++)
        {
            block[2 + j] = (byte)(j | ((15 - j) << 4)); // low nibble j, high nibble 15 - j
        }

        var y = Run(GgmlType.Q4_0, block, 32);

        Assert.Equal(-4f, y[0]);   // (0 - 8) * 0.5
        Assert.Equal(3.5f, y[15]); // (15 - 8) * 0.5
        Assert.Equal(3.5f, y[16]); // high nibble of byte 0 = 15
        Assert.Equal(-4f, y[31]);  // high nibble of byte 15 = 0
        for (var j = 0; j < 16; j++)
        {
            Assert.Equal((j - 8) * 0.5f, y[j]);
            Assert.Equal((7 - j) * 0.5f, y[j + 16]);
        }
    }

    [Fact]
    public void Row_Q4_K_SixBitScalesAndMins()
    {
        byte[] sc = [1, 2, 3, 4, 17, 40, 50, 63];
        byte[] m = [0, 5, 10, 63, 16, 33, 48, 1];
        var block = new byte[144];
        BinaryPrimitives.WriteUInt16LittleEndian(block, HalfOne);        // d = 1
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(2), HalfHalf); // dmin = 0.5
        PackScaleMinK4(sc, m, block.AsSpan(4, 12));
        for (var l = 0; l < 128; l++)
        {
            block[16 + l] = (byte)((l % 16) | ((15 - (l % 16)) << 4));
        }

        var y = Run(GgmlType.Q4_K, block, 256);

        Assert.Equal(0f, y[0]);              // sub-block 0: 1 * 1 * 0 - 0.5 * 0
        Assert.Equal(30f - 2.5f, y[32 + 0]); // sub-block 1 (high nibbles of bytes 0..31): 2 * 15 - 0.5 * 5
        Assert.Equal(0 - 0.5f, y[255]);      // sub-block 7, byte 127 high nibble = 0: 63 * 0 - 0.5 * 1
        Assert.Equal((17 * 15) - 8f, y[128 + 15]); // sub-block 4 (low nibbles of bytes 64..95), byte 79: 17 * 15 - 0.5 * 16
        for (var i = 0; i < 256; i++)
        {
            var s = i / 32;
            var l = (i / 64 * 32) + (i % 32);
            var q = s % 2 == 0 ? l % 16 : 15 - (l % 16);
            Assert.Equal((1f * sc[s] * q) - (0.5f * m[s]), y[i]);
        }
    }

    [Fact]
    public void Row_Q5_K_FifthBitFromQh()
    {
        byte[] sc = [1, 2, 3, 4, 5, 6, 7, 8];
        byte[] m = [8, 7, 6, 5, 4, 3, 2, 1];
        var block = new byte[176];
        BinaryPrimitives.WriteUInt16LittleEndian(block, HalfHalf);             // d = 0.5
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(2), HalfQuarter); // dmin = 0.25
        PackScaleMinK4(sc, m, block.AsSpan(4, 12));
        for (var l = 0; l < 32; l++)
        {
            block[16 + l] = (byte)(l % 2 == 0 ? 0b01010101 : 0b10101010); // even l: high bit in even sub-blocks only
        }

        for (var l = 0; l < 128; l++)
        {
            block[48 + l] = 0x93; // low nibble 3, high nibble 9
        }

        var y = Run(GgmlType.Q5_K, block, 256);

        Assert.Equal((0.5f * 1 * (3 + 16)) - (0.25f * 8), y[0]);  // sub-block 0, l = 0: bit 0 set
        Assert.Equal((0.5f * 1 * 3) - (0.25f * 8), y[1]);         // l = 1: bit 0 clear
        Assert.Equal((0.5f * 2 * 9) - (0.25f * 7), y[32]);        // sub-block 1, l = 0: bit 1 clear
        Assert.Equal((0.5f * 2 * (9 + 16)) - (0.25f * 7), y[33]); // l = 1: bit 1 set
        for (var i = 0; i < 256; i++)
        {
            var s = i / 32;
            var l = i % 32;
            var q = (s % 2 == 0 ? 3 : 9) + ((s % 2 == 0) == (l % 2 == 0) ? 16 : 0);
            Assert.Equal((0.5f * sc[s] * q) - (0.25f * m[s]), y[i]);
        }
    }

    [Fact]
    public void Row_Q6_K_SignedScalesAndSixBitQuants()
    {
        var block = new byte[210];
        for (var l = 0; l < 128; l++)
        {
            block[l] = (byte)((l % 16) | ((l % 7) << 4)); // ql: low nibble l % 16, high nibble l % 7
        }

        for (var l = 0; l < 64; l++)
        {
            block[128 + l] = 0b11_10_01_00; // qh: 2-bit fields 0, 1, 2, 3 for the four quarter-rows
        }

        for (var s = 0; s < 16; s++)
        {
            block[192 + s] = (byte)(sbyte)(s - 8);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(208), HalfHalf);

        var y = Run(GgmlType.Q6_K, block, 256);

        Assert.Equal(0.5f * -8 * (0 - 32), y[0]);          // ql[0] low = 0, qh bits 0-1 = 0, scale[0] = -8
        Assert.Equal(0.5f * -6 * (0 + 16 - 32), y[32]);    // ql[32] low = 0, qh bits 2-3 = 1, scale[2] = -6
        Assert.Equal(0.5f * -4 * (0 + 32 - 32), y[64]);    // ql[0] high = 0, qh bits 4-5 = 2, scale[4] = -4
        Assert.Equal(0.5f * -2 * (4 + 48 - 32), y[96]);    // ql[32] high = 32 % 7 = 4, qh bits 6-7 = 3, scale[6] = -2
        Assert.Equal(0.5f * 7 * (1 + 48 - 32), y[255]);    // ql[127] high = 127 % 7 = 1, qh bits 6-7 = 3, scale[15] = 7
        for (var i = 0; i < 256; i++)
        {
            var half = i / 128;
            var quarter = i % 128 / 32;
            var l = i % 32;
            var qlIndex = (64 * half) + l + (quarter % 2 == 1 ? 32 : 0);
            var nibble = quarter < 2 ? qlIndex % 16 : qlIndex % 7;
            var q = nibble | (quarter << 4);
            var s = (8 * half) + (2 * quarter) + (l / 16);
            Assert.Equal(0.5f * (s - 8) * (q - 32), y[i]);
        }
    }

    /// <summary>
    /// Q4_1, Q5_0 and Q5_1 blocks with d = 0.5, m = -1, qs[j] = j | (15 - j) &lt;&lt; 4 and fifth bits 0 and 31 set: value j
    /// (j &lt; 16) is the low nibble j, value 16 + j the high nibble 15 - j, bit 4 from qh where the format has it.
    /// </summary>
    [Theory]
    [InlineData(GgmlType.Q4_1)]
    [InlineData(GgmlType.Q5_0)]
    [InlineData(GgmlType.Q5_1)]
    public void Row_LegacyFormatsWithMinsAndFifthBits_AsGgmlDefinesThem(GgmlType type)
    {
        var hasMin = type != GgmlType.Q5_0;
        var hasHigh = type != GgmlType.Q4_1;
        var block = new List<byte>();
        block.AddRange(BitConverter.GetBytes((Half)0.5f));
        if (hasMin)
        {
            block.AddRange(BitConverter.GetBytes((Half)(-1f)));
        }

        if (hasHigh)
        {
            block.AddRange(BitConverter.GetBytes(0x8000_0001u));
        }

        for (var j = 0; j < 16; j++)
        {
            block.Add((byte)(j | ((15 - j) << 4)));
        }

        var y = Run(type, [.. block], 32);

        for (var i = 0; i < 32; i++)
        {
            var q = i < 16 ? i : 31 - i;
            if (hasHigh && (i == 0 || i == 31))
            {
                q += 16;
            }

            var expected = type == GgmlType.Q5_0 ? (q - 16) * 0.5f : (q * 0.5f) - 1f;
            Assert.Equal(expected, y[i]);
        }
    }

    [Theory]
    [InlineData(GgmlType.Q3_K)]
    [InlineData(GgmlType.Q2_K)]
    [InlineData(GgmlType.IQ4_NL)]
    public void Row_UnsupportedType_ThrowsNamingType(GgmlType type)
    {
        var e = Assert.Throws<NotSupportedException>(() => Dequantize.Row(type, new byte[20], new float[32]));
        Assert.Contains(type.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_SourceLengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => Dequantize.Row(GgmlType.Q8_0, new byte[33], new float[32]));
        Assert.Throws<ArgumentException>(() => Dequantize.Row(GgmlType.Q8_0, new byte[34], new float[31]));
    }

    private static float[] Run(GgmlType type, byte[] source, int count)
    {
        var y = new float[count];
        Dequantize.Row(type, source, y);
        return y;
    }

    /// <summary>The encoder side of ggml's 12-byte scale/min packing (the inverse of get_scale_min_k4).</summary>
    private static void PackScaleMinK4(byte[] sc, byte[] m, Span<byte> packed)
    {
        for (var j = 0; j < 4; j++)
        {
            packed[j] = (byte)(sc[j] | ((sc[j + 4] >> 4) << 6));
            packed[j + 4] = (byte)(m[j] | ((m[j + 4] >> 4) << 6));
            packed[j + 8] = (byte)((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        }
    }
}
