using BenchmarkDotNet.Attributes;
using Serving.Sampling;

namespace Serving.Benchmarks;

/// <summary>One full sampling step (logits row → token id) at the vocabulary sizes of Llama-2 (32000) and Qwen2 (151936).
/// Must show 0 B allocated (STYLE B1).</summary>
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    private float[] _logits = [];
    private Sampler _sampler = null!;
    private SamplingParams _greedy = null!;
    private SamplingParams _temperature = null!;
    private SamplingParams _topP = null!;
    private SamplingParams _full = null!;
    private SequenceSamplingState _greedyState = null!;
    private SequenceSamplingState _temperatureState = null!;
    private SequenceSamplingState _topPState = null!;
    private SequenceSamplingState _fullState = null!;

    [Params(32000, 151936)]
    public int VocabSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Gaussian logits with sd 2.5 look like a real model's row: a few clear favourites over a long tail.
        var random = new Random(42);
        _logits = new float[VocabSize];
        for (var i = 0; i < VocabSize; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            _logits[i] = (float)(2.5 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        _sampler = new Sampler(VocabSize, [2]);
        int[] prompt = [.. Enumerable.Range(0, 512).Select(_ => random.Next(VocabSize))];
        _greedy = new SamplingParams { Temperature = 0f };
        _temperature = new SamplingParams { Temperature = 0.8f, Seed = 1 };
        _topP = new SamplingParams { Temperature = 0.8f, TopP = 0.95f, Seed = 1 };
        _full = new SamplingParams
        {
            Temperature = 0.8f,
            TopK = 40,
            TopP = 0.95f,
            RepetitionPenalty = 1.1f,
            FrequencyPenalty = 0.2f,
            PresencePenalty = 0.1f,
            Seed = 1,
        };
        _greedyState = new SequenceSamplingState(_greedy, prompt, VocabSize);
        _temperatureState = new SequenceSamplingState(_temperature, prompt, VocabSize);
        _topPState = new SequenceSamplingState(_topP, prompt, VocabSize);
        _fullState = new SequenceSamplingState(_full, prompt, VocabSize);
        for (var t = 0; t < 64; t++)
        {
            _fullState.Append(random.Next(VocabSize));
        }
    }

    [Benchmark(Baseline = true)]
    public int Greedy() => _sampler.Sample(_logits, _greedy, _greedyState).TokenId;

    [Benchmark]
    public int Temperature() => _sampler.Sample(_logits, _temperature, _temperatureState).TokenId;

    [Benchmark]
    public int TemperatureTopP() => _sampler.Sample(_logits, _topP, _topPState).TokenId;

    [Benchmark]
    public int TemperatureTopKTopPPenalties() => _sampler.Sample(_logits, _full, _fullState).TokenId;
}
