using System.Text.Json;
using Serving.Engine.Tests;
using Serving.Server.Cli;

namespace Serving.Server.Tests.Cli;

public class BatchedBenchTests
{
    [Fact]
    public void Run_BatchSeqs_PrintsOneBatchedEntryPerSequenceCountWithPeerFields()
    {
        var output = new StringWriter();

        BenchCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--threads", "1", "--runs", "1", "--prefill-tokens", "8",
             "--decode-prompt-tokens", "4", "--decode-tokens", "2", "--batch-seqs", "2,3", "--batch-prompt-tokens", "8",
             "--batch-gen-tokens", "6", "--json"],
            output);

        using var result = JsonDocument.Parse(output.ToString());
        var batched = result.RootElement.GetProperty("batched").EnumerateArray().ToArray();
        Assert.Equal([2, 3], batched.Select(b => b.GetProperty("seqs").GetInt32()));
        Assert.All(batched, b =>
        {
            Assert.True(b.GetProperty("agg_decode_tok_s").GetDouble() > 0);
            Assert.True(b.GetProperty("agg_e2e_tok_s").GetDouble() > 0);
            Assert.True(b.GetProperty("ttft_max_ms").GetDouble() >= b.GetProperty("ttft_ms").GetDouble());
        });
    }

    [Theory]
    [InlineData("--batch-seqs", "-1")]
    [InlineData("--batch-gen-tokens", "1")]
    [InlineData("--batch-prompt-tokens", "0")]
    public void Run_InvalidBatchOption_CliError(string option, string value)
    {
        Assert.Throws<CliException>(() => BenchCommand.Run(["--model", SharedData.Model("stories260K.gguf"), option, value], TextWriter.Null));
    }

    [Fact]
    public void Run_BatchedSequencesBeyondContext_CliError()
    {
        var e = Assert.Throws<CliException>(() => BenchCommand.Run(
            ["--model", SharedData.Model("stories260K.gguf"), "--runs", "1", "--prefill-tokens", "8", "--decode-tokens", "2",
             "--batch-seqs", "2", "--batch-prompt-tokens", "500", "--batch-gen-tokens", "100"],
            TextWriter.Null));

        Assert.Contains("context length is 512", e.Message, StringComparison.Ordinal);
    }
}
