using System.Runtime.Intrinsics;
using Serving.Engine.Gguf;

namespace Serving.Engine.Kernels;

/// <summary>
/// One <see cref="MatMul.MultiplyExact"/> call (and <see cref="MatMul.Multiply"/> on float weights): dequantize a weight
/// row to float32 once per work item, then dot it with the item's input rows, four at a time.
/// </summary>
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

    /// <summary>This thread's buffer for one dequantized weight row (grown on first use, then reused).</summary>
    internal static Span<float> RowBuffer(int columns) =>
        (_row is { } existing && existing.Length >= columns ? existing : _row = GC.AllocateArray<float>(columns, pinned: true)).AsSpan(0, columns);

    public void Invoke(int index)
    {
        var r0 = index / _plan.ColumnChunks * _plan.RowsPerChunk;
        var r1 = Math.Min(_w.Rows, r0 + _plan.RowsPerChunk);
        var c0 = index % _plan.ColumnChunks * _plan.ColumnsPerChunk;
        var c1 = Math.Min(_n, c0 + _plan.ColumnsPerChunk);
        var columns = _w.Columns;
        var buffer = RowBuffer(columns);
        fixed (float* dequantized = buffer)
        {
            for (var r = r0; r < r1; r++)
            {
                var row = dequantized;
                if (_w.Type == GgmlType.F32)
                {
                    row = (float*)_w.RowPointer(r);
                }
                else
                {
                    _w.DequantizeRow(r, buffer);
                }

                var c = c0;
                for (; c + 4 <= c1; c += 4)
                {
                    var x = _x + ((long)c * columns);
                    var y4 = MatMul.DotFloat4(row, x, x + columns, x + (2 * columns), x + (3 * columns), columns);
                    _y[((long)c * _w.Rows) + r] = y4.GetElement(0);
                    _y[((long)(c + 1) * _w.Rows) + r] = y4.GetElement(1);
                    _y[((long)(c + 2) * _w.Rows) + r] = y4.GetElement(2);
                    _y[((long)(c + 3) * _w.Rows) + r] = y4.GetElement(3);
                }

                for (; c < c1; c++)
                {
                    _y[((long)c * _w.Rows) + r] = MatMul.DotFloat(row, _x + ((long)c * columns), columns);
                }
            }
        }
    }
}
