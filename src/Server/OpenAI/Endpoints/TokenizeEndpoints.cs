using Serving.Server.Hosting;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Errors;
using Serving.Server.OpenAI.Streaming;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary><c>POST /tokenize</c> and <c>POST /detokenize</c> in vLLM's shape (llama.cpp's field names accepted too).</summary>
internal static class TokenizeEndpoints
{
    public static async Task TokenizeAsync(HttpContext context, ServedModel model, PromptBuilder prompts)
    {
        var request = await RequestBody.ReadAsync(context.Request, OpenAIJsonContext.Default.TokenizeRequest);
        model.EnsureName(request.Model);
        var text = request.Prompt ?? request.Content;
        var tokens = request.Messages is { } messages ? prompts.FromMessages(messages, request.AddGenerationPrompt ?? true)
            : text is not null ? model.Tokenizer.Encode(text, request.AddSpecialTokens ?? request.AddSpecial ?? true, parseSpecial: true)
            : throw OpenAIErrors.BadRequest("Send 'prompt' (or 'content') text, or 'messages'.", "prompt");
        await JsonResponses.WriteAsync(
            context.Response, StatusCodes.Status200OK, new TokenizeResponse(tokens.Length, model.ContextLength, tokens), OpenAIJsonContext.Default.TokenizeResponse);
    }

    public static async Task DetokenizeAsync(HttpContext context, ServedModel model)
    {
        var request = await RequestBody.ReadAsync(context.Request, OpenAIJsonContext.Default.DetokenizeRequest);
        model.EnsureName(request.Model);
        var tokens = request.Tokens ?? throw OpenAIErrors.BadRequest("'tokens' is required.", "tokens");
        PromptBuilder.EnsureTokenIds(tokens, model.Tokenizer.VocabSize, "tokens");
        var text = model.Tokenizer.Decode([.. tokens]);
        await JsonResponses.WriteAsync(context.Response, StatusCodes.Status200OK, new DetokenizeResponse(text), OpenAIJsonContext.Default.DetokenizeResponse);
    }
}
