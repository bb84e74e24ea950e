using System.Text.Json;
using Serving.Engine.Execution;

namespace Serving.Engine.Tests.Execution;

/// <summary>Teacher-forced logits against llama.cpp and a float64 reference (logits.*.json): dequantizers, quantized
/// matmuls and the qwen2 architecture, number by number. Tolerances are the ones testdata/README.md suggests.</summary>
public class LogitsOracleTests
{
    public static TheoryData<string, string> F32Cases() => CasesOf("logits.kq-llama-256d-f32.json", "logits.qwen2-256d-f32.json");

    public static TheoryData<string, string> QuantizedCases() => CasesOf(
        "logits.kq-llama-256d-q8_0.json", "logits.kq-llama-256d-q4_0.json", "logits.kq-llama-256d-q4_k_m.json",
        "logits.kq-llama-256d-q5_k_m.json", "logits.kq-llama-256d-q6_k.json", "logits.qwen2-256d-q8_0.json");

    [Theory]
    [MemberData(nameof(F32Cases))]
    public void Forward_F32Model_MatchesLlamaCppWithin1e3(string file, string caseId) =>
        RunCase(file, caseId, exactWeights: false, (step, logits) =>
        {
            AssertTop10(step.GetProperty("top10"), t => t[1].GetDouble(), logits, 1e-3);
            Assert.Equal(step.GetProperty("logsumexp").GetDouble(), LogitStats.LogSumExp(logits), 1e-3);
            Assert.Equal(step.GetProperty("greedy_id").GetInt32(), Generator.ArgMax(logits));
        });

    [Theory]
    [MemberData(nameof(QuantizedCases))]
    public void Forward_ExactWeights_MatchesFloat64ReferenceWithin2e3(string file, string caseId) =>
        RunCase(file, caseId, exactWeights: true, (step, logits) =>
        {
            var reference = step.GetProperty("ref_f64");
            var referenceLogits = reference.GetProperty("top10_logits").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var i = 0;
            AssertTop10(step.GetProperty("top10"), _ => referenceLogits[i++], logits, 2e-3);
            Assert.Equal(reference.GetProperty("logsumexp").GetDouble(), LogitStats.LogSumExp(logits), 2e-3);
            Assert.Equal(reference.GetProperty("argmax").GetInt32(), Generator.ArgMax(logits));
        });

    [Theory]
    [MemberData(nameof(QuantizedCases))]
    public void Forward_QuantizedActivations_MatchesLlamaCppCoarsely(string file, string caseId) =>
        RunCase(file, caseId, exactWeights: false, (step, logits) =>
        {
            AssertTop10(step.GetProperty("top10"), t => t[1].GetDouble(), logits, 1.0);
            Assert.Equal(step.GetProperty("logsumexp").GetDouble(), LogitStats.LogSumExp(logits), 0.5);
        });

    private static TheoryData<string, string> CasesOf(params string[] files)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData(file)));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                data.Add(file, c.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    /// <summary>Feeds the prompt, then each of llama.cpp's greedy ids (teacher forcing), checking every step.</summary>
    private static void RunCase(string file, string caseId, bool exactWeights, Action<JsonElement, float[]> check)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData(file)));
        var root = doc.RootElement;
        var c = root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == caseId);
        var prompt = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var greedy = c.GetProperty("greedy_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        using var runner = ModelRunner.Open(SharedData.Model(root.GetProperty("model").GetProperty("file").GetString()!),
            new ModelRunnerOptions { NumBlocks = 4, KVCacheDataType = KVCacheDataType.F32, Threads = 2, ExactWeights = exactWeights });
        var generator = new Generator(runner);

        check(steps[0], generator.Append(prompt).ToArray());
        for (var k = 1; k < steps.Length; k++)
        {
            check(steps[k], generator.Append([greedy[k - 1]]).ToArray());
        }
    }

    private static void AssertTop10(JsonElement top10, Func<JsonElement, double> expected, float[] logits, double tolerance)
    {
        foreach (var entry in top10.EnumerateArray())
        {
            Assert.Equal(expected(entry), logits[entry[0].GetInt32()], tolerance);
        }
    }
}
