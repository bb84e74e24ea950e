using Microsoft.OpenApi;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary>Documents a JSON request body in the OpenAPI document without routing on Content-Type.</summary>
/// <remarks>NOTE: <c>.Accepts&lt;T&gt;()</c> would make routing answer 415 to <c>curl -d</c> (form content type) before our
/// handler runs; the handlers read JSON whatever the header says, so only the document learns the body's schema.</remarks>
internal static class JsonBodyMetadata
{
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
