namespace Serving.Server.Hosting;

/// <summary><c>GET /health</c>: 200 once the model is loaded and the engine loop is alive and stepping; 503 before that,
/// while draining, and when the loop stopped or stalled. Load balancers read only the status; the body says why.</summary>
internal static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (ServingLifecycle lifecycle, EngineHealth engine) =>
            {
                var problem = !lifecycle.IsStarted ? "starting" : lifecycle.IsDraining ? "draining" : engine.Check();
                return problem is null ? Results.Text("ok") : Results.Text(problem, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .ExcludeFromDescription();
        return routes;
    }
}
