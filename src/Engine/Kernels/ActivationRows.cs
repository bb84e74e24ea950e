namespace Serving.Engine.Kernels;

/// <summary>
/// A view of n quantized input rows in <see cref="ActivationScratch"/>: row c's quants, block scales and 16-value sums.
/// </summary>
internal readonly unsafe struct ActivationRows
{
    private readonly sbyte* _quants;
    private readonly float* _scales;
    private readonly float* _blockSums;
    private readonly short* _sums;
    private readonly int _columns;
    private readonly int _blocksPerRow;

    public ActivationRows(ActivationScratch scratch, int columns, int activationBlock)
    {
        _quants = scratch.Quants;
        _scales = scratch.Scales;
        _blockSums = scratch.BlockSums;
        _sums = scratch.Sums;
        _columns = columns;
        _blocksPerRow = columns / activationBlock;
    }

    /// <summary>[columns] quantized values of input row <paramref name="row"/>.</summary>
    public sbyte* Quants(int row) => _quants + ((long)row * _columns);

    /// <summary>[columns / block] scales of input row <paramref name="row"/>.</summary>
    public float* Scales(int row) => _scales + ((long)row * _blocksPerRow);

    /// <summary>[columns / 32] block sums of input row <paramref name="row"/> (Q8_1 only).</summary>
    public float* BlockSums(int row) => _blockSums + ((long)row * _blocksPerRow);

    /// <summary>[columns / 16] sums of 16 quantized values of input row <paramref name="row"/> (Q8_K only).</summary>
    public short* Sums(int row) => _sums + ((long)row * _columns / 16);
}
