using System.Text.Json;
using Serving.Engine.Tests;
using Serving.Server.Cli;

namespace Serving.Server.Tests.Cli;

public class GenerateCommandTests
{
    [Fact]
    public void Run_StoriesPromptJson_MatchesGreedyOracleIdsAndText()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData("greedy.stories260K.json")));
        var c = doc.RootElement.GetProperty("cases")[0];
        var output = new StringWriter();

        var exitCode = GenerateCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--prompt", c.GetProperty("prompt").GetString()!, "--max-tokens", "48",
             "--kv-cache-dtype", "f32", "--threads", "1", "--ignore-eos", "--json"],
            output);

        Assert.Equal(0, exitCode);
        using var result = JsonDocument.Parse(output.ToString());
        Assert.Equal(
            c.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32()),
            result.RootElement.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(c.GetProperty("completion_text").GetString(), result.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void Run_StopString_TextEndsBeforeItAndFinishReasonStop()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData("greedy.stories260K.json")));
        var c = doc.RootElement.GetProperty("cases")[0];
        var completion = c.GetProperty("completion_text").GetString()!;
        var stop = completion.Substring(completion.Length / 2, 4);
        var output = new StringWriter();

        GenerateCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--prompt", c.GetProperty("prompt").GetString()!, "--max-tokens", "48",
             "--kv-cache-dtype", "f32", "--ignore-eos", "--stop", "zzzz", "--stop", stop, "--json"],
            output);

        using var result = JsonDocument.Parse(output.ToString());
        Assert.Equal(completion[..completion.IndexOf(stop, StringComparison.Ordinal)], result.RootElement.GetProperty("text").GetString());
        Assert.Equal("stop", result.RootElement.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Run_Logprobs_FirstStepMatchesOracleTop5()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.TestData("greedy.stories260K.json")));
        var c = doc.RootElement.GetProperty("cases")[1];
        var top5 = c.GetProperty("top5_first_step").EnumerateArray().ToList();
        var output = new StringWriter();

        GenerateCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--prompt", c.GetProperty("prompt").GetString()!, "--max-tokens", "2",
             "--kv-cache-dtype", "f32", "--ignore-eos", "--logprobs", "3", "--json"],
            output);

        using var result = JsonDocument.Parse(output.ToString());
        Assert.Equal("length", result.RootElement.GetProperty("finish_reason").GetString());
        var first = result.RootElement.GetProperty("logprobs")[0];
        Assert.Equal(top5[0].GetProperty("id").GetInt32(), first.GetProperty("token_id").GetInt32());
        Assert.Equal(top5[0].GetProperty("logprob").GetDouble(), first.GetProperty("logprob").GetDouble(), 1e-3);
        var tops = first.GetProperty("top_logprobs").EnumerateArray().ToList();
        Assert.Equal(3, tops.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(top5[i].GetProperty("id").GetInt32(), tops[i].GetProperty("token_id").GetInt32());
            Assert.Equal(top5[i].GetProperty("logprob").GetDouble(), tops[i].GetProperty("logprob").GetDouble(), 1e-3);
        }
    }

    [Fact]
    public void Run_SampledWithSeed_SameTokensEveryRunAndFullLength()
    {
        string[] args = ["--model", SharedData.Model("stories260K.gguf"), "--prompt", "Lily", "--max-tokens", "24", "--temperature", "0.9",
            "--seed", "7", "--ignore-eos", "--json"];
        var first = new StringWriter();
        var second = new StringWriter();

        GenerateCommand.Run(args, first);
        GenerateCommand.Run(args, second);

        Assert.Equal(first.ToString(), second.ToString());
        using var result = JsonDocument.Parse(first.ToString());
        Assert.Equal(24, result.RootElement.GetProperty("token_ids").GetArrayLength());
    }

    [Fact]
    public void Run_NegativeTemperature_CliErrorNamesOption()
    {
        var e = Assert.Throws<CliException>(() => GenerateCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--prompt", "hi", "--temperature", "-1"], TextWriter.Null));

        Assert.StartsWith("--temperature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingModelFile_CliErrorNamesPath()
    {
        var e = Assert.Throws<CliException>(() => GenerateCommand.Run(["--model", "/nonexistent/model.gguf", "--prompt", "hi"], TextWriter.Null));

        Assert.Contains("/nonexistent/model.gguf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PromptLongerThanContext_CliError()
    {
        var prompt = string.Concat(Enumerable.Repeat("hello ", 600));

        var e = Assert.Throws<CliException>(() => GenerateCommand.Run(["--model", SharedData.Model("stories260K.gguf"), "--prompt", prompt], TextWriter.Null));

        Assert.Contains("context length is 512", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NotAGgufFile_CliError()
    {
        var path = SharedData.TestData("README.md");

        var e = Assert.Throws<CliException>(() => GenerateCommand.Run(["--model", path, "--prompt", "hi"], TextWriter.Null));

        Assert.Contains("not a valid GGUF file", e.Message, StringComparison.Ordinal);
    }
}
