namespace Serving.Engine.Gguf;

/// <summary>One tensor's header: name, ggml-order dimensions (<c>Dimensions[0]</c> varies fastest), type and data location.</summary>
/// <param name="Name">Tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">Sizes in ggml order.</param>
/// <param name="Type">Storage type.</param>
/// <param name="Offset">Byte offset of the data from the start of the file (already resolved against the data section).</param>
/// <param name="ByteSize">Bytes of data.</param>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long Offset, long ByteSize)
{
    /// <summary>Total number of elements.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>Rows of a matrix stored as <c>Dimensions[0]</c>-long rows (an [out, in] weight has <c>in</c> columns).</summary>
    public long Rows => ElementCount / Dimensions[0];

    /// <summary>Elements per row.</summary>
    public long Columns => Dimensions[0];
}
