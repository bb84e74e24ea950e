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
