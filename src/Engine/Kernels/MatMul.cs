using Serving.Engine.Gguf;

namespace Serving.Engine.Kernels;

/// <summary>
/// Matrix products with a <see cref="WeightMatrix"/>: <c>y[i, r] = Σ_k x[i, k] · w[r, k]</c> for n input rows (a linear
/// layer without bias). Output rows are split over a <see cref="WorkerPool"/>; each (input row, output row) dot product is
/// computed by one thread in a fixed order, so results never depend on n, on the other rows or on the thread count.
/// </summary>
public static unsafe partial class MatMul
{
    // NOTE: a work item covers ~128 KiB of weights (streamed once per column chunk) and at most 256 KiB of quantized
    // activations, so both stay in Zen 4's 1 MiB L2 while a chunk is multiplied. Items much smaller than that cost decode
    // a third of its bandwidth: with 32 KiB items a 2-thread Q4_K 5632x2048 product streamed 20 GB/s, with 128 KiB 32 GB/s
    // (every claimed item is two contended atomics, and each core's stream restarts at every item).
    private const int WeightChunkBytes = 128 * 1024;
    private const int ActivationChunkBytes = 256 * 1024;
    private const int MinItemsPerThread = 4;

    /// <summary>
    /// <c>y[n, w.Rows] = x[n, w.Columns] · wᵀ</c>. Quantized weights take llama.cpp's route: each input row is first rounded
    /// to 8 bits per block (Q8_0 blocks of 32 for Q4_0/Q8_0 weights, Q8_K blocks of 256 for Q4_K/Q5_K/Q6_K; see
    /// <see cref="Quantize"/>), then integer dot products are scaled per block:
    /// <c>y = Σ_blocks d_w · d_x · Σ_j q_w[j] · q_x[j]</c> (K-quants: with sub-block scales and mins). Float weights
    /// (F32/F16/BF16) use float activations, as <see cref="MultiplyExact"/>. Each weight row is read from memory once per
    /// chunk of input rows (once for all n when their 8-bit copies fit in 256 KiB) and dotted with four input rows at a time.
    /// </summary>
    /// <param name="w">Weights, <c>[Rows, Columns]</c>.</param>
    /// <param name="x">Input rows, <c>[n, Columns]</c> (longer spans are fine; the rest is ignored).</param>
    /// <param name="n">Number of input rows.</param>
    /// <param name="y">Output rows, <c>[n, Rows]</c>; must not overlap <paramref name="x"/>.</param>
    /// <param name="pool">Threads to split the output rows over.</param>
    public static void Multiply(WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y, WorkerPool pool)
    {
        Validate(w, x, n, y, pool);
        if (n == 0)
        {
            return;
        }

        var format = ActivationFormatOf(w.Type);
        if (format == ActivationFormat.Float)
        {
            MultiplyExactCore(w, x, n, y, pool);
            return;
        }

        fixed (float* px = x, py = y)
        {
            var scratch = QuantizeInput(px, n, w.Columns, format, pool);
            var plan = WorkPlan.Create(w, n, w.Columns, pool.Threads);
            var body = new QuantizedMatMulBody(w, scratch, n, py, plan);
            pool.For(plan.Count, ref body);
        }
    }

    /// <summary>
    /// <see cref="Multiply"/> for two or three weight matrices that share one input (a layer's Q/K/V or gate/up
    /// projections): the input is quantized once and every product's work items run in one parallel loop, so the threads
    /// wait for each other once rather than per matrix. Each output is bit-identical to its own <see cref="Multiply"/>.
    /// Matrices whose formats need different activations are multiplied one by one.
    /// </summary>
    public static void MultiplyShared(
        ReadOnlySpan<float> x, int n, WorkerPool pool, WeightMatrix w0, Span<float> y0, WeightMatrix w1, Span<float> y1,
        WeightMatrix? w2 = null, Span<float> y2 = default)
    {
        Validate(w0, x, n, y0, pool);
        Validate(w1, x, n, y1, pool);
        if (w2 is not null)
        {
            Validate(w2, x, n, y2, pool);
        }

        var format = ActivationFormatOf(w0.Type);
        var shared = format != ActivationFormat.Float && w1.Columns == w0.Columns && ActivationFormatOf(w1.Type) == format
            && (w2 is null || (w2.Columns == w0.Columns && ActivationFormatOf(w2.Type) == format));
        if (!shared || n == 0)
        {
            Multiply(w0, x, n, y0, pool);
            Multiply(w1, x, n, y1, pool);
            if (w2 is not null)
            {
                Multiply(w2, x, n, y2, pool);
            }

            return;
        }

        fixed (float* px = x, py0 = y0, py1 = y1, py2 = y2)
        {
            var scratch = QuantizeInput(px, n, w0.Columns, format, pool);
            var body = new SharedInputBody(
                new QuantizedMatMulBody(w0, scratch, n, py0, WorkPlan.Create(w0, n, w0.Columns, pool.Threads)),
                new QuantizedMatMulBody(w1, scratch, n, py1, WorkPlan.Create(w1, n, w1.Columns, pool.Threads)),
                w2 is null ? default : new QuantizedMatMulBody(w2, scratch, n, py2, WorkPlan.Create(w2, n, w2.Columns, pool.Threads)));
            pool.For(body.Count, ref body);
        }
    }

    /// <summary>
    /// <c>y[n, w.Rows] = x[n, w.Columns] · wᵀ</c> with exact float weights: each weight row is dequantized
    /// (<see cref="Dequantize"/>) and dotted in float32 with the unrounded activations. The reference path for checks
    /// against a float64 forward pass. Same arguments as <see cref="Multiply"/>.
    /// </summary>
    public static void MultiplyExact(WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y, WorkerPool pool)
    {
        Validate(w, x, n, y, pool);
        if (n > 0)
        {
            MultiplyExactCore(w, x, n, y, pool);
        }
    }

    internal static ActivationFormat ActivationFormatOf(GgmlType type) => type switch
    {
        GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 => ActivationFormat.Q8_0,
        GgmlType.Q4_1 or GgmlType.Q5_1 => ActivationFormat.Q8_1,
        GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K => ActivationFormat.Q8_K,
        _ => ActivationFormat.Float,
    };

    /// <summary>Rounds the n input rows to 8 bits into the calling thread's <see cref="ActivationScratch"/>.</summary>
    private static ActivationScratch QuantizeInput(float* x, int n, int columns, ActivationFormat format, WorkerPool pool)
    {
        var scratch = ActivationScratch.ForCurrentThread(n, columns);
        var quantize = new QuantizeRowsBody(x, n, columns, format, scratch);
        pool.For((n + QuantizeRowsBody.RowsPerItem - 1) / QuantizeRowsBody.RowsPerItem, ref quantize);
        return scratch;
    }

    private static void MultiplyExactCore(WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y, WorkerPool pool)
    {
        fixed (float* px = x, py = y)
        {
            var plan = WorkPlan.Create(w, n, w.Columns * sizeof(float), pool.Threads);
            var body = new ExactMatMulBody(w, px, n, py, plan);
            pool.For(plan.Count, ref body);
        }
    }

    private static void Validate(WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y, WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (x.Length < (long)n * w.Columns)
        {
            throw new ArgumentException($"x has {x.Length} values; {n} rows of {w.Columns} need {(long)n * w.Columns}.", nameof(x));
        }

        if (y.Length < (long)n * w.Rows)
        {
            throw new ArgumentException($"y has {y.Length} values; {n} rows of {w.Rows} need {(long)n * w.Rows}.", nameof(y));
        }

        if (x[..(n * w.Columns)].Overlaps(y[..(n * w.Rows)]))
        {
            throw new ArgumentException("x and y overlap.", nameof(y));
        }
    }

    /// <summary>
    /// How a product is cut into work items: row chunks × column (input-row) chunks, numbered row-chunk-major.
    /// </summary>
    internal readonly record struct WorkPlan(int RowsPerChunk, int ColumnsPerChunk, int ColumnChunks, int Count)
    {
        public static WorkPlan Create(WeightMatrix w, int n, long activationRowBytes, int threads)
        {
            // Equal column chunks, each a multiple of 4 input rows so the 4-row kernels cover them.
            var columnChunks = (int)Math.Clamp(((n * activationRowBytes) + ActivationChunkBytes - 1) / ActivationChunkBytes, 1, n);
            var columnsPerChunk = Math.Min(n, (((n + columnChunks - 1) / columnChunks) + 3) & ~3);
            columnChunks = (n + columnsPerChunk - 1) / columnsPerChunk;
            var rowsPerChunk = (int)Math.Clamp(WeightChunkBytes / w.RowBytes, 1, w.Rows);
            var rowsForBalance = (int)Math.Max(1, (long)w.Rows * columnChunks / (MinItemsPerThread * threads));
            rowsPerChunk = Math.Min(rowsPerChunk, rowsForBalance);
            var rowChunks = (w.Rows + rowsPerChunk - 1) / rowsPerChunk;
            return new WorkPlan(rowsPerChunk, columnsPerChunk, columnChunks, checked(rowChunks * columnChunks));
        }
    }
}
