using Serving.Engine.Gguf;

namespace Serving.Engine.Kernels;

/// <summary>A weight matrix used in place from the GGUF mapping: <see cref="Rows"/> rows of <see cref="Columns"/> values in <see cref="Type"/>'s block format.</summary>
/// <remarks>Does not own <see cref="Data"/>: the mapping (the <see cref="GgufFile"/>) must outlive it.</remarks>
public sealed unsafe class WeightMatrix
{
    /// <summary>Wraps <paramref name="rows"/> × <paramref name="columns"/> values of <paramref name="type"/> at <paramref name="data"/>.</summary>
    /// <exception cref="NotSupportedException">The kernels cannot compute with <paramref name="type"/>.</exception>
    public WeightMatrix(GgmlType type, int rows, int columns, byte* data)
    {
        var traits = Dequantize.RequireSupported(type);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (columns % traits.BlockSize != 0)
        {
            throw new ArgumentException($"{columns} columns are not a whole number of {type} blocks of {traits.BlockSize}.", nameof(columns));
        }

        ArgumentNullException.ThrowIfNull(data);
        Type = type;
        Rows = rows;
        Columns = columns;
        RowBytes = traits.RowBytes(columns);
        Data = data;
    }

    /// <summary>Storage type of the values.</summary>
    public GgmlType Type { get; }

    /// <summary>Number of rows (output features of a linear layer).</summary>
    public int Rows { get; }

    /// <summary>Values per row (input features of a linear layer).</summary>
    public int Columns { get; }

    /// <summary>Bytes of one row.</summary>
    public long RowBytes { get; }

    /// <summary>First byte of row 0; rows follow each other every <see cref="RowBytes"/> bytes.</summary>
    public byte* Data { get; }

    /// <summary>Wraps a 1-D or 2-D tensor of <paramref name="file"/> (a 1-D tensor is one row).</summary>
    /// <exception cref="NotSupportedException">The tensor has more than 2 dimensions or an unsupported type; the message names both.</exception>
    public static WeightMatrix FromTensor(GgufFile file, GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!Dequantize.IsSupported(tensor.Type))
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' has type {tensor.Type}, which the kernels do not support (supported: {Dequantize.SupportedTypes}).");
        }

        if (tensor.Dimensions.Length is < 1 or > 2)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' ({tensor.Type}) has {tensor.Dimensions.Length} dimensions; a weight matrix has 1 or 2.");
        }

        return new WeightMatrix(tensor.Type, checked((int)tensor.Rows), checked((int)tensor.Columns), file.GetTensorPointer(tensor));
    }

    /// <summary>Dequantizes row <paramref name="row"/> into <paramref name="destination"/> (exactly <see cref="Columns"/> long).</summary>
    public void DequantizeRow(int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        if (destination.Length != Columns)
        {
            throw new ArgumentException($"Destination has {destination.Length} values, the row has {Columns}.", nameof(destination));
        }

        Dequantize.Row(Type, RowSpan(row), destination);
    }

    /// <summary>The bytes of one row.</summary>
    internal ReadOnlySpan<byte> RowSpan(int row) => new(Data + (row * RowBytes), checked((int)RowBytes));

    /// <summary>Pointer to the first byte of one row.</summary>
    internal byte* RowPointer(int row) => Data + (row * RowBytes);
}
