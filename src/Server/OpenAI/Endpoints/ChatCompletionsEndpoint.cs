using Serving.Sampling;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Errors;
using Serving.Server.Hosting;
using Serving.Server.OpenAI.Streaming;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>: messages → chat template → tokens → <c>n</c> engine requests → one response
/// or an SSE stream of <c>chat.completion.chunk</c> events.</summary>
internal static class ChatCompletionsEndpoint
{
    private const string Assistant = "assistant";

    public static async Task HandleAsync(HttpContext context, GenerationContext generation)
    {
        var request = await RequestBody.ReadAsync(context.Request, OpenAIJsonContext.Default.ChatCompletionRequest);
        var model = generation.Model;
        model.EnsureName(request.Model);
        var n = SamplingParamsMapper.ValidateN(request.N, generation.Options.MaxN);
        var logprobs = ValidateLogprobs(request);
        var promptIds = generation.Prompts.FromMessages(request.Messages, addGenerationPrompt: true);
        var parameters = SamplingParamsMapper.Map(
            request, request.MaxCompletionTokens ?? request.MaxTokens, defaultMaxTokens: null, logprobs, promptIds.Length, model.ContextLength, model.Tokenizer.VocabSize);

        var id = GenerationContext.NewId("chatcmpl-");
        var engineRequest = generation.ToEngineRequest(id, promptIds, parameters, n, request.SkipSpecialTokens ?? true);
        await using var session = await GenerationSession.StartAsync(generation, [engineRequest], n, context.RequestAborted);
        var created = generation.UnixNow;
        var queueTimeout = generation.Options.QueueTimeout;
        if (request.Stream == true)
        {
            await GenerationResponder.StreamAsync(
                context,
                session,
                n,
                queueTimeout,
                generation.TimeProvider,
                sse => WriteRoleChunks(sse, id, created, model.Name, n),
                (sse, choice, _) => WriteOutputChunks(sse, id, created, model, choice),
                request.StreamOptions?.IncludeUsage == true
                    ? (sse, states) => sse.WriteEvent(new ChatCompletionChunk(id, created, model.Name, [], ChoiceState.UsageOf(states, n)), OpenAIJsonContext.Default.ChatCompletionChunk)
                    : null);
            return;
        }

        var choices = await GenerationResponder.CollectAsync(context, session, n, queueTimeout, generation.TimeProvider);
        if (choices is null)
        {
            return;
        }

        var response = new ChatCompletionResponse(
            id,
            created,
            model.Name,
            [.. choices.Select((c, i) => new ChatChoice(i, new ChatResponseMessage(Assistant, c.Text), c.BuildChatLogprobs(model, logprobs is not null), ChoiceState.ToWire(c.FinishReason)))],
            ChoiceState.UsageOf(choices, n));
        await JsonResponses.WriteAsync(context.Response, StatusCodes.Status200OK, response, OpenAIJsonContext.Default.ChatCompletionResponse);
    }

    /// <summary>Chat's logprobs are a switch plus a count: <c>top_logprobs</c> needs <c>logprobs: true</c>.</summary>
    private static int? ValidateLogprobs(ChatCompletionRequest request)
    {
        if (request.TopLogprobs is { } top && (top < 0 || top > SamplingParams.MaxLogprobs))
        {
            throw OpenAIErrors.BadRequest($"top_logprobs must be in [0, {SamplingParams.MaxLogprobs}].", "top_logprobs");
        }

        if (request.TopLogprobs is not null && request.Logprobs != true)
        {
            throw OpenAIErrors.BadRequest("top_logprobs requires logprobs to be true.", "top_logprobs");
        }

        return request.Logprobs == true ? request.TopLogprobs ?? 0 : null;
    }

    private static void WriteRoleChunks(SseWriter sse, string id, long created, string model, int n)
    {
        for (var i = 0; i < n; i++)
        {
            sse.WriteEvent(new ChatCompletionChunk(id, created, model, [new ChatChunkChoice(i, new ChatDelta(Assistant, ""), null, null)], null), OpenAIJsonContext.Default.ChatCompletionChunk);
        }
    }

    private static void WriteOutputChunks(SseWriter sse, string id, long created, ServedModel model, ChoiceOutput choice)
    {
        var output = choice.Output;
        if (output.Text.Length > 0 || output.Logprobs is { Count: > 0 })
        {
            var delta = new ChatChunkChoice(choice.Index, new ChatDelta(null, output.Text), ChoiceState.ChatLogprobsOf(output, model), null);
            sse.WriteEvent(new ChatCompletionChunk(id, created, model.Name, [delta], null), OpenAIJsonContext.Default.ChatCompletionChunk);
        }

        if (output.FinishReason is { } reason)
        {
            var last = new ChatChunkChoice(choice.Index, new ChatDelta(null, null), null, ChoiceState.ToWire(reason));
            sse.WriteEvent(new ChatCompletionChunk(id, created, model.Name, [last], null), OpenAIJsonContext.Default.ChatCompletionChunk);
        }
    }
}
