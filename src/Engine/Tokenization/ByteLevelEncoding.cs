namespace Serving.Engine.Tokenization;

/// <summary>GPT-2's <c>bytes_to_unicode</c>: every byte as one printable character, so byte-level vocabularies are strings.</summary>
/// <remarks>Bytes 0x21-0x7E, 0xA1-0xAC and 0xAE-0xFF map to themselves; the other 68, in order, to U+0100, U+0101, ...
/// (space is <c>Ġ</c> U+0120, <c>\n</c> is <c>Ċ</c> U+010A).</remarks>
internal static class ByteLevelEncoding
{
    private const int MappedRange = 0x100 + 68;

    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly short[] CharToByte = BuildCharToByte();

    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The byte a mapped character stands for; false for characters outside the mapping.</summary>
    public static bool TryDecode(char c, out byte b)
    {
        var value = c < MappedRange ? CharToByte[c] : (short)-1;
        b = (byte)value;
        return value >= 0;
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 0x100;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[MappedRange];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (short)b;
        }

        return map;
    }
}
