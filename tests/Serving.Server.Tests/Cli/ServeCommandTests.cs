using Serving.Server.Cli;

namespace Serving.Server.Tests.Cli;

public class ServeCommandTests
{
    [Fact]
    public void ToSettings_AllFlags_MapToConfigurationKeys()
    {
        var args = CliArgs.Parse(
            ["--model", "m.gguf", "--host", "0.0.0.0", "--port", "9000", "--served-model-name", "tiny", "--api-key", "a", "--api-key", "b",
             "--kv-cache-mb", "64", "--kv-cache-dtype", "f32", "--max-num-seqs", "8", "--max-num-batched-tokens", "512", "--max-queue", "3", "--queue-timeout", "1500ms"],
            new HashSet<string>());

        var settings = ServeCommand.ToSettings(args);

        Assert.Equal("m.gguf", settings["Engine:ModelPath"]);
        Assert.Equal("0.0.0.0", settings["Server:Host"]);
        Assert.Equal("9000", settings["Server:Port"]);
        Assert.Equal("tiny", settings["Server:ServedModelName"]);
        Assert.Equal("a", settings["Server:ApiKeys:0"]);
        Assert.Equal("b", settings["Server:ApiKeys:1"]);
        Assert.Equal("64", settings["Engine:KVCacheMB"]);
        Assert.Equal("f32", settings["Engine:KVCacheDataType"]);
        Assert.Equal("8", settings["Scheduler:MaxNumSeqs"]);
        Assert.Equal("512", settings["Scheduler:MaxNumBatchedTokens"]);
        Assert.Equal("3", settings["Scheduler:MaxWaitingRequests"]);
        Assert.Equal("00:00:01.5000000", settings["Server:QueueTimeout"]);
    }

    [Fact]
    public void ToSettings_UnknownFlag_Throws()
    {
        var e = Assert.Throws<CliException>(() => ServeCommand.ToSettings(CliArgs.Parse(["--modle", "x"], new HashSet<string>())));
        Assert.Contains("--modle", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("45", 45_000)]
    [InlineData("00:00:10", 10_000)]
    public void ParseDuration_Units_Milliseconds(string text, double milliseconds)
    {
        Assert.Equal(milliseconds, ServeCommand.ParseDuration("queue-timeout", text).TotalMilliseconds);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    public void ParseDuration_Garbage_Throws(string text)
    {
        Assert.Throws<CliException>(() => ServeCommand.ParseDuration("queue-timeout", text));
    }

    [Fact]
    public async Task RunAsync_MissingModel_FailsWithClearMessage()
    {
        var e = await Assert.ThrowsAsync<CliException>(() => ServeCommand.RunAsync(["--port", "0"]));
        Assert.Contains("--model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ModelFileMissing_FailsWithClearMessage()
    {
        var e = await Assert.ThrowsAsync<CliException>(() => ServeCommand.RunAsync(["--model", "/nonexistent/model.gguf", "--port", "0"]));
        Assert.Contains("cannot load the model", e.Message, StringComparison.Ordinal);
    }
}
