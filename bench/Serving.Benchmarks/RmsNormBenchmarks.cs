using BenchmarkDotNet.Attributes;
using Serving.Engine.Kernels;

namespace Serving.Benchmarks;

/// <summary><see cref="RmsNorm.Apply"/> on one row of real hidden sizes (SmolLM2-135M 576, TinyLlama 2048, Llama-2-7B 4096).</summary>
[MemoryDiagnoser]
public class RmsNormBenchmarks
{
    private float[] _x = [];
    private float[] _weight = [];
    private float[] _destination = [];

    [Params(576, 2048, 4096)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = Enumerable.Range(0, Length).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        _weight = Enumerable.Range(0, Length).Select(_ => random.NextSingle()).ToArray();
        _destination = new float[Length];
    }

    [Benchmark]
    public void Apply() => RmsNorm.Apply(_x, _weight, 1e-5f, _destination);
}
