using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Serving.Engine.Gguf;
using Serving.Engine.Kernels;

namespace Serving.Benchmarks;

/// <summary>
/// <see cref="MatMul.Multiply"/> on the weight shapes of SmolLM2-135M (576/1536; 32-value block formats only, since 576 is
/// not a multiple of the K-quants' 256) and TinyLlama-1.1B (2048/5632), for one sequence decoding (N = 1), 16 sequences
/// decoding together, and a 512-token prefill. Weights are random bytes with sane block scales: speed does not depend on values.
/// </summary>
[MemoryDiagnoser]
public class MatMulBenchmarks : IDisposable
{
    private WorkerPool? _pool;
    private WeightMatrix? _weights;
    private float[] _x = [];
    private float[] _y = [];

    public static IEnumerable<MatMulCase> Cases()
    {
        string[] small = ["576x576", "1536x576", "576x1536"];
        string[] large = ["2048x2048", "5632x2048"];
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16 })
        {
            var shapes = type is GgmlType.Q4_K or GgmlType.Q6_K ? large : [.. small, .. large];
            foreach (var shape in shapes)
            {
                yield return new MatMulCase(type, shape);
            }
        }
    }

    [ParamsSource(nameof(Cases))]
    public MatMulCase Case { get; set; } = new(GgmlType.Q8_0, "576x576");

    [Params(1, 16, 512)]
    public int N { get; set; }

    [GlobalSetup]
    public unsafe void Setup()
    {
        var (rows, columns) = Case.Dimensions;
        var random = new Random(42);
        var traits = GgmlTypeTraits.Of(Case.Type);
        var length = checked((int)(traits.RowBytes(columns) * rows));
        var bytes = (byte*)NativeMemory.AlignedAlloc((nuint)length, 64);
        var span = new Span<byte>(bytes, length);
        random.NextBytes(span);
        FixScales(span, Case.Type, traits, random);
        _weights = new WeightMatrix(Case.Type, rows, columns, bytes);
        _x = new float[N * columns];
        for (var i = 0; i < _x.Length; i++)
        {
            _x[i] = (random.NextSingle() * 2) - 1;
        }

        _y = new float[N * rows];
        _pool = new WorkerPool(Environment.ProcessorCount);
    }

    [Benchmark]
    public void Multiply() => MatMul.Multiply(_weights!, _x, N, _y, _pool!);

    [GlobalCleanup]
    public unsafe void Cleanup()
    {
        Dispose();
        NativeMemory.AlignedFree(_weights!.Data);
    }

    public void Dispose()
    {
        _pool?.Dispose();
        _pool = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Replaces the random half-precision fields (possibly Inf/NaN) with small positive values.</summary>
    private static void FixScales(Span<byte> bytes, GgmlType type, GgmlTypeTraits traits, Random random)
    {
        int[] offsets = type switch
        {
            GgmlType.Q8_0 or GgmlType.Q4_0 => [0],
            GgmlType.Q4_K or GgmlType.Q5_K => [0, 2],
            GgmlType.Q6_K => [208],
            _ => [0], // F16: every value is a half
        };
        var step = type == GgmlType.F16 ? 2 : traits.TypeSize;
        for (var b = 0; b + step <= bytes.Length; b += step)
        {
            foreach (var offset in offsets)
            {
                var scale = (Half)(0.001f + (random.NextSingle() * 0.02f));
                MemoryMarshal.Write(bytes[(b + offset)..], in scale);
            }
        }
    }

    /// <summary>A weight type and a "rows x columns" shape; the string form names the benchmark case.</summary>
    public sealed record MatMulCase(GgmlType Type, string Shape)
    {
        public (int Rows, int Columns) Dimensions
        {
            get
            {
                var parts = Shape.Split('x');
                return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public override string ToString() => $"{Type} {Shape}";
    }
}
