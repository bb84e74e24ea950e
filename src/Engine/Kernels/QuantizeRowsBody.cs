namespace Serving.Engine.Kernels;

/// <summary>Rounds a matmul's input rows to 8 bits (<see cref="Quantize"/>) into <see cref="ActivationScratch"/>, <see cref="RowsPerItem"/> rows per work item.</summary>
internal readonly unsafe struct QuantizeRowsBody : IParallelBody
{
    public const int RowsPerItem = 16;

    private readonly float* _x;
    private readonly int _n;
    private readonly int _columns;
    private readonly ActivationFormat _format;
    private readonly ActivationScratch _scratch;

    public QuantizeRowsBody(float* x, int n, int columns, ActivationFormat format, ActivationScratch scratch)
    {
        _x = x;
        _n = n;
        _columns = columns;
        _format = format;
        _scratch = scratch;
    }

    public void Invoke(int index)
    {
        var end = Math.Min(_n, (index + 1) * RowsPerItem);
        for (var i = index * RowsPerItem; i < end; i++)
        {
            var row = _x + ((long)i * _columns);
            var quants = _scratch.Quants + ((long)i * _columns);
            if (_format is ActivationFormat.Q8_0 or ActivationFormat.Q8_1)
            {
                var blockSums = _format == ActivationFormat.Q8_1 ? _scratch.BlockSums + ((long)i * _columns / 32) : null;
                Quantize.RowQ8_0(row, _columns, quants, _scratch.Scales + ((long)i * _columns / 32), blockSums);
            }
            else
            {
                Quantize.RowQ8_K(row, _columns, quants, _scratch.Scales + ((long)i * _columns / 256), _scratch.Sums + ((long)i * _columns / 16));
            }
        }
    }
}
