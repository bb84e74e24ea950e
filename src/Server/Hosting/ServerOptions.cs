using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Serving.Server.Hosting;

/// <summary>HTTP-side settings, bound from the <c>Server</c> configuration section (appsettings.json, <c>SERVING_Server__*</c>
/// environment variables, then command-line flags).</summary>
internal sealed class ServerOptions : IValidatableObject
{
    public const string SectionName = "Server";

    /// <summary>Interface to listen on: an IP address, <c>localhost</c>, or <c>0.0.0.0</c>/<c>*</c> for every interface.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests read it back from the server's addresses).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8000;

    /// <summary>The model id clients send and <c>/v1/models</c> lists; defaults to the GGUF file name without extension.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>Accepted bearer tokens; empty means no authentication.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>A request that has no first token after this long (still queued behind others) is withdrawn and answered 429.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long SIGTERM lets running requests finish before aborting them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest request body; more is answered 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 8L << 20;

    /// <summary>Largest <c>n</c> (choices per request): each choice is a sequence in the batch.</summary>
    [Range(1, 1024)]
    public int MaxN { get; set; } = 16;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Host is not ("localhost" or "*") && !IPAddress.TryParse(Host, out _))
        {
            yield return new ValidationResult($"Server:Host '{Host}' must be an IP address, 'localhost' or '*'.", [nameof(Host)]);
        }

        if (ApiKeys.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("Server:ApiKeys must not contain empty keys.", [nameof(ApiKeys)]);
        }
    }
}
