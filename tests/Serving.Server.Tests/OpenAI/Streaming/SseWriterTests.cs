using System.IO.Pipelines;
using System.Text;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Streaming;

namespace Serving.Server.Tests.OpenAI.Streaming;

public class SseWriterTests
{
    [Fact]
    public async Task WriteEvent_ChatChunksThenDone_ProducesOpenAIWireBytes()
    {
        var pipe = new Pipe();
        using (var writer = new SseWriter(pipe.Writer))
        {
            writer.WriteEvent(new ChatCompletionChunk("chatcmpl-1", 7, "m", [new ChatChunkChoice(0, new ChatDelta("assistant", ""), null, null)], null), OpenAIJsonContext.Default.ChatCompletionChunk);
            writer.WriteEvent(new ChatCompletionChunk("chatcmpl-1", 7, "m", [new ChatChunkChoice(0, new ChatDelta(null, "é\n\"x\""), null, null)], null), OpenAIJsonContext.Default.ChatCompletionChunk);
            writer.WriteEvent(new ChatCompletionChunk("chatcmpl-1", 7, "m", [new ChatChunkChoice(0, new ChatDelta(null, null), null, "stop")], null), OpenAIJsonContext.Default.ChatCompletionChunk);
            writer.WriteEvent(new ChatCompletionChunk("chatcmpl-1", 7, "m", [], Usage.Of(3, 2)), OpenAIJsonContext.Default.ChatCompletionChunk);
            writer.WriteDone();
            await writer.FlushAsync(CancellationToken.None);
        }

        await pipe.Writer.CompleteAsync();
        var bytes = await ReadAllAsync(pipe.Reader);

        const string Expected =
            "data: {\"object\":\"chat.completion.chunk\",\"id\":\"chatcmpl-1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            "data: {\"object\":\"chat.completion.chunk\",\"id\":\"chatcmpl-1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"é\\n\\\"x\\\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            "data: {\"object\":\"chat.completion.chunk\",\"id\":\"chatcmpl-1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n" +
            "data: {\"object\":\"chat.completion.chunk\",\"id\":\"chatcmpl-1\",\"created\":7,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n" +
            "data: [DONE]\n\n";
        Assert.Equal(Expected, Encoding.UTF8.GetString(bytes));
    }

    internal static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        using var stream = new MemoryStream();
        await reader.CopyToAsync(stream);
        return stream.ToArray();
    }
}
