namespace Serving.Server.Hosting;

/// <summary><c>GET /health</c>: 200 once the model is loaded and the engine loop is alive and stepping; 503 before that,
/// while draining, and when the loop died or stalled. Load balancers read only the status; the body says why.</summary>
internal static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (ServingLifecycle lifecycle) => lifecycle.IsDraining
                ? Results.Text("draining", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ok"))
            .ExcludeFromDescription();
        return routes;
    }
}
