namespace Serving.Server.OpenAI.Endpoints;

/// <summary>Maps the OpenAI-compatible routes and vLLM's tokenizer routes.</summary>
internal static class OpenAIEndpoints
{
    public static IEndpointRouteBuilder MapOpenAIEndpoints(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
