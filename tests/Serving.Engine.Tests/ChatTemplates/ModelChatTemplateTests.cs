using System.Text.Json.Nodes;
using Serving.Engine.ChatTemplates;
using Serving.Engine.Gguf;

namespace Serving.Engine.Tests.ChatTemplates;

public class ModelChatTemplateTests
{
    private static readonly DateTimeOffset FixedNow = new(2024, 7, 26, 0, 0, 0, TimeSpan.Zero);

    // A conversation with reasoning in history, a tool call and its result (Qwen3's template strips old <think> blocks).
    private const string Conversation = """
        [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nHello!"}, {"role": "user", "content": "Weather?"}, {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "n": 1}}}]}, {"role": "tool", "content": "{\"t\": 20}"}, {"role": "assistant", "content": "<think>ok</think>It is 20."}]
        """;

    [Fact]
    public void FromGguf_NoTemplate_FallsBackToChatML()
    {
        using var file = GgufFile.Open(SharedData.Model("stories260K.gguf"));

        var model = ModelChatTemplate.FromGguf(file);

        Assert.True(model.IsFallback);
        Assert.Equal(ModelChatTemplate.ChatMLSource, model.Template.Source);
        Assert.Equal("<s>", model.SpecialTokens["bos_token"]);
        Assert.Equal("</s>", model.SpecialTokens["eos_token"]);
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", model.Template.Render(Context(model, """[{"role": "user", "content": "Hi"}]""")));
    }

    /// <summary>Expected text rendered by Python Jinja2 3.1.6 (set up as transformers does) from the same template text.</summary>
    [Fact]
    public void FromGguf_Qwen3Template_MatchesPythonJinja2()
    {
        using var file = GgufFile.Open(SharedData.Model("bpe-qwen2-tiny-random.gguf"));

        var model = ModelChatTemplate.FromGguf(file);

        Assert.False(model.IsFallback);
        Assert.Equal("<|im_end|>", model.SpecialTokens["eos_token"]);
        Assert.Equal(
            "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"n\": 1}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n{\"t\": 20}\n</tool_response><|im_end|>\n<|im_start|>assistant\n<think>\nok\n</think>\n\nIt is 20.<|im_end|>\n<|im_start|>assistant\n",
            model.Template.Render(Context(model, Conversation)));
    }

    /// <summary>Expected text rendered by Python Jinja2 3.1.6 with <c>bos_token</c> = the file's BOS piece.</summary>
    [Fact]
    public void FromGguf_Llama3Template_UsesModelBosToken()
    {
        using var file = GgufFile.Open(SharedData.Model("bpe-llama3-tiny-random.gguf"));

        var model = ModelChatTemplate.FromGguf(file);

        Assert.False(model.IsFallback);
        Assert.Equal("<|begin_of_text|>", model.SpecialTokens["bos_token"]);
        var messages = JsonNode.Parse(Conversation)!.AsArray().Take(4).Select(m => m!.DeepClone()).ToArray();
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n<think>\nhmm\n</think>\n\nHello!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            model.Template.Render(Context(model, new JsonArray(messages).ToJsonString())));
    }

    [Fact]
    public void FromGguf_MissingNamedVariant_FallsBack()
    {
        using var file = GgufFile.Open(SharedData.Model("bpe-llama3-tiny-random.gguf"));

        Assert.True(ModelChatTemplate.FromGguf(file, "tool_use").IsFallback);
    }

    private static ChatTemplateContext Context(ModelChatTemplate model, string messagesJson) => new()
    {
        Messages = JsonNode.Parse(messagesJson)!.AsArray(),
        AddGenerationPrompt = true,
        SpecialTokens = model.SpecialTokens,
        Now = FixedNow,
    };
}
