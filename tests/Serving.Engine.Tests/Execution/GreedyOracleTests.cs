using System.Text.Json;
using Serving.Engine.Execution;

namespace Serving.Engine.Tests.Execution;

/// <summary>The must-show of issue 2: greedy generation equals llama.cpp's, token for token (greedy.*.json oracles).</summary>
public class GreedyOracleTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "greedy.stories260K.json", "greedy.llama2-tiny-random.json" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData(file)));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                data.Add(file, c.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GenerateGreedy_OracleCase_MatchesLlamaCppTokens(string file, string caseId)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData(file)));
        var root = doc.RootElement;
        var c = root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == caseId);
        var prompt = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = c.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var runner = ModelRunner.Open(SharedData.Model(root.GetProperty("model").GetProperty("file").GetString()!),
            new ModelRunnerOptions { NumBlocks = 8, KVCacheDataType = KVCacheDataType.F32, Threads = 2 });
        var generator = new Generator(runner);

        var generated = generator.GenerateGreedy(prompt, expected.Length);

        Assert.Equal(expected, generated);
    }

    [Fact]
    public void Append_StoriesOnceUpon_FirstStepLogprobsMatchOracle()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData("greedy.stories260K.json")));
        var c = doc.RootElement.GetProperty("cases")[0];
        var prompt = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var runner = ModelRunner.Open(SharedData.Model("stories260K.gguf"),
            new ModelRunnerOptions { NumBlocks = 4, KVCacheDataType = KVCacheDataType.F32, Threads = 1 });

        var logits = new Generator(runner).Append(prompt).ToArray();

        var logSumExp = LogitStats.LogSumExp(logits);
        foreach (var top in c.GetProperty("top5_first_step").EnumerateArray())
        {
            Assert.Equal(top.GetProperty("logprob").GetDouble(), logits[top.GetProperty("id").GetInt32()] - logSumExp, 1e-3);
        }
    }
}
