using System.Text.Json;
using Serving.Engine.Tests;
using Serving.Server.Cli;

namespace Serving.Server.Tests.Cli;

public class BenchCommandTests
{
    [Fact]
    public void Run_Json_PrintsPeerFieldsWithOneSamplePerRun()
    {
        var output = new StringWriter();

        var exitCode = BenchCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--threads", "1", "--runs", "2", "--prefill-tokens", "24",
             "--decode-prompt-tokens", "8", "--decode-tokens", "4", "--json"],
            output);

        Assert.Equal(0, exitCode);
        using var result = JsonDocument.Parse(output.ToString());
        var root = result.RootElement;
        Assert.True(root.GetProperty("prefill_tok_s").GetDouble() > 0);
        Assert.True(root.GetProperty("decode_tok_s").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_rss_bytes").GetInt64() > 0);
        Assert.Equal(2, root.GetProperty("stats").GetProperty("decode_tok_s").GetProperty("samples").GetArrayLength());
        Assert.Equal(24, root.GetProperty("prefill_tokens").GetInt32());
    }

    [Fact]
    public void Run_MoreTokensThanContext_CliError()
    {
        var e = Assert.Throws<CliException>(() => BenchCommand.Run(["--model", SharedData.Model("stories260K.gguf"), "--prefill-tokens", "4096"], TextWriter.Null));

        Assert.Contains("context length is 512", e.Message, StringComparison.Ordinal);
    }
}
