using Serving.Server.OpenAI.Contracts;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary>Maps the OpenAI-compatible routes and vLLM's tokenizer routes.</summary>
internal static class OpenAIEndpoints
{
    public static IEndpointRouteBuilder MapOpenAIEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", ModelsEndpoint.HandleAsync).Produces<ModelList>();
        routes.MapPost("/v1/completions", CompletionsEndpoint.HandleAsync).WithJsonBody<CompletionRequest>().Produces<CompletionResponse>();
        routes.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync).WithJsonBody<ChatCompletionRequest>().Produces<ChatCompletionResponse>();
        routes.MapPost("/tokenize", TokenizeEndpoints.TokenizeAsync).WithJsonBody<TokenizeRequest>().Produces<TokenizeResponse>();
        routes.MapPost("/detokenize", TokenizeEndpoints.DetokenizeAsync).WithJsonBody<DetokenizeRequest>().Produces<DetokenizeResponse>();
        return routes;
    }
}
