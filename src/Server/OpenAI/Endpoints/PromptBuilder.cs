using System.Text.Json.Nodes;
using Serving.Engine.ChatTemplates;
using Serving.Server.Hosting;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary>Turns request prompts into token ids: chat messages through the model's chat template, completion prompts
/// through the tokenizer (or as given token ids). Every rejection names its field.</summary>
internal sealed class PromptBuilder(ServedModel model, TimeProvider timeProvider)
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };

    /// <summary>The chat template's rendering of <paramref name="messages"/> (what the model reads, as text).</summary>
    public string RenderChat(IReadOnlyList<ChatMessage>? messages, bool addGenerationPrompt)
    {
        if (messages is null || messages.Count == 0)
        {
            throw OpenAIErrors.BadRequest("'messages' must contain at least one message.", "messages");
        }

        var array = new JsonArray();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message is null || message.Role is null || !Roles.Contains(message.Role))
            {
                throw OpenAIErrors.BadRequest($"messages[{i}].role must be one of: {string.Join(", ", Roles)}.", $"messages[{i}].role");
            }

            // NOTE: an assistant turn may carry tool calls instead of content; every other turn needs its text.
            if (message.Content is null && message.Role != "assistant")
            {
                throw OpenAIErrors.BadRequest($"messages[{i}].content is required for role '{message.Role}'.", $"messages[{i}].content");
            }

            var node = new JsonObject { ["role"] = message.Role, ["content"] = message.Content ?? "" };
            if (message.Name is not null)
            {
                node["name"] = message.Name;
            }

            array.Add(node);
        }

        var context = new ChatTemplateContext
        {
            Messages = array,
            AddGenerationPrompt = addGenerationPrompt,
            SpecialTokens = model.ChatTemplate.SpecialTokens,
            Now = timeProvider.GetLocalNow(),
        };
        try
        {
            return model.ChatTemplate.Template.Render(context);
        }
        catch (ChatTemplateException e)
        {
            // Templates raise on conversations they do not accept (e.g. roles out of order): the client's input, a 400.
            throw OpenAIErrors.BadRequest($"The model's chat template rejected the messages: {e.Message}", "messages");
        }
    }

    /// <summary>Token ids of the rendered chat. BOS is added as the model asks unless the template already wrote it.</summary>
    public int[] FromMessages(IReadOnlyList<ChatMessage>? messages, bool addGenerationPrompt)
    {
        var text = RenderChat(messages, addGenerationPrompt);
        var addSpecial = !(model.ChatTemplate.SpecialTokens.TryGetValue("bos_token", out var bos) && bos.Length > 0 && text.StartsWith(bos, StringComparison.Ordinal));
        return NonEmpty(model.Tokenizer.Encode(text, addSpecial, parseSpecial: true), "messages");
    }

    /// <summary>Token ids of each completion prompt (text gets BOS as the model asks; token ids are taken as given).</summary>
    public IReadOnlyList<int[]> FromCompletion(PromptInput? prompt)
    {
        if (prompt is null || prompt.Count == 0)
        {
            throw OpenAIErrors.BadRequest("'prompt' is required.", "prompt");
        }

        if (prompt.Texts is { } texts)
        {
            return [.. texts.Select(text => NonEmpty(model.Tokenizer.Encode(text, addSpecial: true, parseSpecial: true), "prompt"))];
        }

        var prompts = new List<int[]>(prompt.Count);
        foreach (var ids in prompt.TokenIds!)
        {
            EnsureTokenIds(ids, model.Tokenizer.VocabSize, "prompt");
            prompts.Add(NonEmpty([.. ids], "prompt"));
        }

        return prompts;
    }

    /// <summary>A model without BOS turns empty text into no tokens at all; there is nothing to generate after.</summary>
    private static int[] NonEmpty(int[] ids, string param) =>
        ids.Length > 0 ? ids : throw OpenAIErrors.BadRequest("The prompt is empty after tokenization.", param);

    public static void EnsureTokenIds(IReadOnlyList<int> ids, int vocabSize, string param)
    {
        foreach (var id in ids)
        {
            if (id < 0 || id >= vocabSize)
            {
                throw OpenAIErrors.BadRequest($"Token id {id} is outside the vocabulary [0, {vocabSize}).", param);
            }
        }
    }
}
