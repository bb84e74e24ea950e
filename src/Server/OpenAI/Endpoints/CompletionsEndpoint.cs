using Serving.Scheduler;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Errors;
using Serving.Server.OpenAI.Streaming;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary><c>POST /v1/completions</c>: each prompt × <c>n</c> choices (choice index = prompt × n + i, as OpenAI numbers
/// them), answered as one <c>text_completion</c> or an SSE stream of them.</summary>
internal static class CompletionsEndpoint
{
    /// <summary>OpenAI's default for the legacy completions API.</summary>
    private const int DefaultMaxTokens = 16;

    public static async Task HandleAsync(HttpContext context, GenerationContext generation)
    {
        var request = await RequestBody.ReadAsync(context.Request, OpenAIJsonContext.Default.CompletionRequest);
        var model = generation.Model;
        model.EnsureName(request.Model);
        var n = SamplingParamsMapper.ValidateN(request.N, generation.Options.MaxN);
        var echo = request.Echo ?? false;
        if (echo && request.Logprobs is not null)
        {
            // Echo with logprobs would need the prompt tokens' logprobs, which the engine does not compute.
            throw OpenAIErrors.BadRequest("echo cannot be combined with logprobs.", "echo");
        }

        var prompts = generation.Prompts.FromCompletion(request.Prompt);
        if (prompts.Count * n > generation.Options.MaxN)
        {
            throw OpenAIErrors.BadRequest($"prompts × n must be at most {generation.Options.MaxN}.", "n");
        }

        var id = GenerationContext.NewId("cmpl-");
        var requests = new EngineRequest[prompts.Count];
        for (var p = 0; p < prompts.Count; p++)
        {
            var parameters = SamplingParamsMapper.Map(
                request, request.MaxTokens, DefaultMaxTokens, request.Logprobs, prompts[p].Length, model.ContextLength, model.Tokenizer.VocabSize);
            requests[p] = generation.ToEngineRequest($"{id}-{p}", prompts[p], parameters, n, request.SkipSpecialTokens ?? true);
        }

        var numChoices = prompts.Count * n;

        var echoTexts = echo ? prompts.Select((ids, p) => request.Prompt!.Texts?[p] ?? model.Tokenizer.Decode(ids)).ToArray() : null;
        await using var session = await GenerationSession.StartAsync(generation, requests, n, context.RequestAborted);
        var created = generation.UnixNow;
        if (request.Stream == true)
        {
            await GenerationResponder.StreamAsync(
                context,
                session,
                numChoices,
                generation.Options.QueueTimeout,
                generation.TimeProvider,
                sse => WriteEchoChunks(sse, id, created, model.Name, echoTexts, n),
                (sse, choice, state) => WriteOutputChunks(sse, id, created, model, choice, state),
                request.StreamOptions?.IncludeUsage == true
                    ? (sse, states) => sse.WriteEvent(new CompletionResponse(id, created, model.Name, [], ChoiceState.UsageOf(states, n)), OpenAIJsonContext.Default.CompletionResponse)
                    : null);
            return;
        }

        var choices = await GenerationResponder.CollectAsync(context, session, numChoices, generation.Options.QueueTimeout, generation.TimeProvider);
        if (choices is null)
        {
            return;
        }

        var response = new CompletionResponse(
            id,
            created,
            model.Name,
            [.. choices.Select((c, i) => new CompletionChoice(i, (echoTexts?[i / n] ?? "") + c.Text, c.BuildCompletionLogprobs(model, request.Logprobs is not null), ChoiceState.ToWire(c.FinishReason)))],
            ChoiceState.UsageOf(choices, n));
        await JsonResponses.WriteAsync(context.Response, StatusCodes.Status200OK, response, OpenAIJsonContext.Default.CompletionResponse);
    }

    private static void WriteEchoChunks(SseWriter sse, string id, long created, string model, string[]? echoTexts, int n)
    {
        if (echoTexts is null)
        {
            return;
        }

        for (var i = 0; i < echoTexts.Length * n; i++)
        {
            sse.WriteEvent(new CompletionResponse(id, created, model, [new CompletionChoice(i, echoTexts[i / n], null, null)], null), OpenAIJsonContext.Default.CompletionResponse);
        }
    }

    private static void WriteOutputChunks(SseWriter sse, string id, long created, Hosting.ServedModel model, ChoiceOutput choice, ChoiceState state)
    {
        var output = choice.Output;
        if (output.Text.Length > 0 || output.Logprobs is { Count: > 0 } || output.FinishReason is not null)
        {
            var logprobs = ChoiceState.CompletionLogprobsOf(output, model, state.Text.Length);
            var chunk = new CompletionChoice(choice.Index, output.Text, logprobs, ChoiceState.ToWire(output.FinishReason));
            sse.WriteEvent(new CompletionResponse(id, created, model.Name, [chunk], null), OpenAIJsonContext.Default.CompletionResponse);
        }
    }
}
