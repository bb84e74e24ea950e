using System.Numerics.Tensors;
using Serving.Engine.Gguf;

namespace Serving.Engine.Kernels;

/// <summary>One <see cref="MatMul.MultiplyExact"/> call: dequantize a weight row to float32, dot it with every input row.</summary>
internal readonly unsafe struct ExactMatMulBody : IParallelBody
{
    [ThreadStatic]
    private static float[]? _row;

    private readonly WeightMatrix _w;
    private readonly float* _x;
    private readonly int _n;
    private readonly float* _y;
    private readonly MatMul.WorkPlan _plan;

    public ExactMatMulBody(WeightMatrix w, float* x, int n, float* y, MatMul.WorkPlan plan)
    {
        _w = w;
        _x = x;
        _n = n;
        _y = y;
        _plan = plan;
    }

    public void Invoke(int index)
    {
        var r0 = index / _plan.ColumnChunks * _plan.RowsPerChunk;
        var r1 = Math.Min(_w.Rows, r0 + _plan.RowsPerChunk);
        var c0 = index % _plan.ColumnChunks * _plan.ColumnsPerChunk;
        var c1 = Math.Min(_n, c0 + _plan.ColumnsPerChunk);
        var columns = _w.Columns;
        var buffer = _row is { } existing && existing.Length >= columns ? existing : _row = new float[columns];
        for (var r = r0; r < r1; r++)
        {
            ReadOnlySpan<float> row;
            if (_w.Type == GgmlType.F32)
            {
                row = new ReadOnlySpan<float>(_w.RowPointer(r), columns);
            }
            else
            {
                _w.DequantizeRow(r, buffer.AsSpan(0, columns));
                row = buffer.AsSpan(0, columns);
            }

            for (var c = c0; c < c1; c++)
            {
                _y[((long)c * _w.Rows) + r] = TensorPrimitives.Dot(row, new ReadOnlySpan<float>(_x + ((long)c * columns), columns));
            }
        }
    }
}
