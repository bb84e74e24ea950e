namespace Serving.Engine.Gguf;

/// <summary>Storage layout of one <see cref="GgmlType"/>: elements per block and bytes per block.</summary>
/// <remarks>Layout only. Whether a type can be computed with lives in the kernels' registry, so adding a format
/// there is a local change; the reader needs just the sizes to bounds-check tensor data.</remarks>
public readonly record struct GgmlTypeTraits(GgmlType Type, int BlockSize, int TypeSize)
{
    private static readonly Dictionary<GgmlType, GgmlTypeTraits> Table = new GgmlTypeTraits[]
    {
        new(GgmlType.F32, 1, 4),
        new(GgmlType.F16, 1, 2),
        new(GgmlType.BF16, 1, 2),
        new(GgmlType.F64, 1, 8),
        new(GgmlType.I8, 1, 1),
        new(GgmlType.I16, 1, 2),
        new(GgmlType.I32, 1, 4),
        new(GgmlType.I64, 1, 8),
        new(GgmlType.Q4_0, 32, 2 + 16),
        new(GgmlType.Q4_1, 32, 2 + 2 + 16),
        new(GgmlType.Q5_0, 32, 2 + 4 + 16),
        new(GgmlType.Q5_1, 32, 2 + 2 + 4 + 16),
        new(GgmlType.Q8_0, 32, 2 + 32),
        new(GgmlType.Q8_1, 32, 4 + 32),
        new(GgmlType.Q2_K, 256, 256 / 16 + 256 / 4 + 2 + 2),
        new(GgmlType.Q3_K, 256, 256 / 8 + 256 / 4 + 12 + 2),
        new(GgmlType.Q4_K, 256, 2 + 2 + 12 + 256 / 2),
        new(GgmlType.Q5_K, 256, 2 + 2 + 12 + 256 / 8 + 256 / 2),
        new(GgmlType.Q6_K, 256, 256 / 2 + 256 / 4 + 256 / 16 + 2),
        new(GgmlType.Q8_K, 256, 4 + 256 + 256 / 16 * 2),
        new(GgmlType.IQ4_NL, 32, 2 + 16),
        new(GgmlType.IQ4_XS, 256, 2 + 2 + 256 / 64 + 256 / 2),
    }.ToDictionary(t => t.Type);

    /// <summary>Looks up the layout of a raw on-disk type number; false for a number ggml does not define (or we do not know).</summary>
    public static bool TryGet(uint rawType, out GgmlTypeTraits traits) => Table.TryGetValue((GgmlType)rawType, out traits);

    /// <summary>The layout of a known type.</summary>
    public static GgmlTypeTraits Of(GgmlType type) =>
        Table.TryGetValue(type, out var t) ? t : throw new ArgumentOutOfRangeException(nameof(type), type, "unknown ggml type");

    /// <summary>Bytes taken by <paramref name="elements"/> values (a whole number of blocks).</summary>
    public long RowBytes(long elements) => elements / BlockSize * TypeSize;
}
