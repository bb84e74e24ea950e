using Serving.Server.Hosting;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Streaming;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary><c>GET /v1/models</c>: the one served model.</summary>
internal static class ModelsEndpoint
{
    public static Task HandleAsync(HttpContext context, ServedModel model) =>
        JsonResponses.WriteAsync(
            context.Response,
            StatusCodes.Status200OK,
            new ModelList([new ModelCard(model.Name, model.CreatedUnixSeconds, "serving", model.ContextLength)]),
            OpenAIJsonContext.Default.ModelList);
}
