using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using Serving.Engine.Gguf;
using Serving.Engine.Tests;
using Serving.Engine.Tokenization;

namespace Serving.Server.Tests.OpenAI.Endpoints;

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.

public class ChatCompletionsEndpointTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    private ChatClient Chat => fixture.Host.CreateOpenAIClient().GetChatClient("stories260K");

    [Fact]
    public async Task CompleteChat_MaxTokens_StopsAtLengthWithUsage()
    {
        var completion = (await Chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 7, Temperature = 0 })).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.NotEmpty(completion.Content[0].Text);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
        Assert.Equal(ExpectedChatPromptIds("Hello").Length, completion.Usage.InputTokenCount);
        Assert.Equal(completion.Usage.InputTokenCount + 7, completion.Usage.TotalTokenCount);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokenize_Messages_EqualsChatMLRenderingOfTheModelWithoutTemplate()
    {
        // stories260K.gguf has no tokenizer.chat_template, so the ChatML fallback renders the prompt.
        using var response = await fixture.Host.Http.PostAsJsonAsync("/tokenize", new { messages = new[] { new { role = "user", content = "Hello" } } });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(ExpectedChatPromptIds("Hello"), body.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
    }

    [Fact]
    public async Task CompleteChatStreaming_SameSeed_SameTextAsNonStreamed()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0.9f, Seed = 1234 };
        var whole = (await Chat.CompleteChatAsync([new UserChatMessage("Tell me a story")], options)).Value;

        var text = new StringBuilder();
        var roles = new List<ChatMessageRole?>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")], new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0.9f, Seed = 1234 }))
        {
            roles.Add(update.Role);
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatMessageRole.Assistant, roles[0]);
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(24, usage!.OutputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task CompleteChat_SameSeedTwice_SameText()
    {
        var first = (await Chat.CompleteChatAsync([new UserChatMessage("Once")], new ChatCompletionOptions { MaxOutputTokenCount = 20, Temperature = 1, Seed = 7 })).Value;
        var second = (await Chat.CompleteChatAsync([new UserChatMessage("Once")], new ChatCompletionOptions { MaxOutputTokenCount = 20, Temperature = 1, Seed = 7 })).Value;

        Assert.Equal(first.Content[0].Text, second.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChat_StopString_CutsBeforeItAndFinishesWithStop()
    {
        var free = (await Chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 0 })).Value.Content[0].Text;
        var stop = free.Substring(free.Length / 2, 3);
        var cut = (await Chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 0, StopSequences = { stop } })).Value;

        Assert.Equal(ChatFinishReason.Stop, cut.FinishReason);
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], cut.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChatStreaming_StopString_NoDeltaContainsAnyPartOfIt()
    {
        var free = (await Chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 0 })).Value.Content[0].Text;
        var stop = free.Substring(free.Length / 2, 4);
        var text = new StringBuilder();
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 0, StopSequences = { stop } }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], text.ToString());
    }

    [Fact]
    public async Task CompleteChat_Logprobs_ReturnsOnePerTokenWithTopAlternatives()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 5, Temperature = 0, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 };
        var completion = (await Chat.CompleteChatAsync([new UserChatMessage("Hello")], options)).Value;

        Assert.Equal(5, completion.ContentTokenLogProbabilities.Count);
        foreach (var token in completion.ContentTokenLogProbabilities)
        {
            Assert.True(token.LogProbability <= 0);
            Assert.Equal(3, token.TopLogProbabilities.Count);
            // Greedy: the chosen token is the most likely alternative.
            Assert.Equal(token.TopLogProbabilities[0].LogProbability, token.LogProbability, 5);
            Assert.Equal(token.TopLogProbabilities[0].Token, token.Token);
        }

        Assert.Equal(completion.Content[0].Text.TrimStart(), string.Concat(completion.ContentTokenLogProbabilities.Select(t => t.Token)).TrimStart());
    }

    [Fact]
    public async Task ChatCompletions_NEquals2_TwoIndexedChoicesAndPromptCountedOnce()
    {
        using var response = await fixture.Host.Http.PostAsJsonAsync(
            "/v1/chat/completions",
            new { model = "stories260K", messages = new[] { new { role = "user", content = "Hi" } }, n = 2, max_tokens = 6, temperature = 1.0, seed = 5 });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choices = body.RootElement.GetProperty("choices").EnumerateArray().ToList();

        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal("length", c.GetProperty("finish_reason").GetString()));
        var usage = body.RootElement.GetProperty("usage");
        Assert.Equal(ExpectedChatPromptIds("Hi").Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletionsStream_NEquals2WithLogprobs_EachChoiceMatchesNonStreamed()
    {
        var messages = new[] { new { role = "user", content = "Hi" } };
        using var whole = await fixture.Host.Http.PostAsJsonAsync(
            "/v1/chat/completions", new { messages, n = 2, max_tokens = 8, temperature = 1.0, seed = 11, logprobs = true, top_logprobs = 2 });
        using var wholeBody = JsonDocument.Parse(await whole.Content.ReadAsStringAsync());
        var expected = wholeBody.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()).ToArray();

        using var streamed = await fixture.Host.Http.PostAsJsonAsync(
            "/v1/chat/completions", new { messages, n = 2, max_tokens = 8, temperature = 1.0, seed = 11, logprobs = true, top_logprobs = 2, stream = true });
        var texts = new[] { new StringBuilder(), new StringBuilder() };
        var roles = new int[2];
        var finishes = new string?[2];
        var numLogprobs = new int[2];
        foreach (var data in CompletionsEndpointTests.SseData(await streamed.Content.ReadAsStringAsync()).TakeWhile(d => d != "[DONE]"))
        {
            using var chunk = JsonDocument.Parse(data);
            var choice = chunk.RootElement.GetProperty("choices")[0];
            var index = choice.GetProperty("index").GetInt32();
            var delta = choice.GetProperty("delta");
            roles[index] += delta.TryGetProperty("role", out _) ? 1 : 0;
            texts[index].Append(delta.TryGetProperty("content", out var content) ? content.GetString() : "");
            finishes[index] = choice.GetProperty("finish_reason").GetString() ?? finishes[index];
            numLogprobs[index] += choice.GetProperty("logprobs") is { ValueKind: JsonValueKind.Object } logprobs ? logprobs.GetProperty("content").GetArrayLength() : 0;
        }

        Assert.Equal(expected, texts.Select(t => t.ToString()));
        Assert.Equal([1, 1], roles);
        Assert.Equal(new[] { "length", "length" }, finishes.Select(f => f ?? ""));
        Assert.Equal([8, 8], numLogprobs);
    }

    /// <summary>The prompt the server must build, computed independently: the ChatML text written out by hand, tokenized with
    /// special-token parsing and BOS as the model asks.</summary>
    internal static int[] ExpectedChatPromptIds(string userContent)
    {
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));
        var text = "<|im_start|>user\n" + userContent + "<|im_end|>\n<|im_start|>assistant\n";
        return Tokenizer.FromGguf(file).Encode(text, addSpecial: true, parseSpecial: true);
    }
}
