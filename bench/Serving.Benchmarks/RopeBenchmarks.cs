using BenchmarkDotNet.Attributes;
using Serving.Engine.Kernels;
using Serving.Engine.Model;

namespace Serving.Benchmarks;

/// <summary>Rope of one token's queries (angles for one position, then every head rotated) at real head shapes.</summary>
[MemoryDiagnoser]
public class RopeBenchmarks
{
    private float[] _query = [];
    private float[] _cos = [];
    private float[] _sin = [];

    /// <summary>"heads x headDim": SmolLM2-135M 9x64, TinyLlama 32x64, Llama-2-7B 32x128.</summary>
    [Params("9x64", "32x64", "32x128")]
    public string Shape { get; set; } = "9x64";

    [Params(RopeStyle.Normal, RopeStyle.Neox)]
    public RopeStyle Style { get; set; }

    private int HeadDim => int.Parse(Shape.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        var heads = int.Parse(Shape.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(42);
        _query = Enumerable.Range(0, heads * HeadDim).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        _cos = new float[HeadDim / 2];
        _sin = new float[HeadDim / 2];
    }

    [Benchmark]
    public void AnglesAndApply()
    {
        Rope.ComputeAngles(1234, 10000f, 1f, [], _cos, _sin);
        Rope.Apply(_query, HeadDim, _cos, _sin, Style);
    }
}
