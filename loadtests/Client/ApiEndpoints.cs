namespace Serving.LoadTests.Client;

/// <summary>The URLs of an OpenAI-compatible server, from a base URL given either as the server root or as its /v1.</summary>
internal sealed record ApiEndpoints(Uri Root)
{
    public Uri Models => new(Root, "v1/models");

    public Uri Completions => new(Root, "v1/completions");

    public Uri ChatCompletions => new(Root, "v1/chat/completions");

    /// <summary>vLLM's tokenizer endpoint, at the root like /metrics; optional.</summary>
    public Uri Tokenize => new(Root, "tokenize");

    public Uri Metrics => new(Root, "metrics");

    /// <summary>Accepts <c>http://host:port</c>, <c>http://host:port/</c>, <c>http://host:port/v1</c> and <c>http://host:port/v1/</c>.</summary>
    public static ApiEndpoints Parse(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--base-url must be an absolute http(s) URL, got '{baseUrl}'", nameof(baseUrl));
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.Ordinal))
        {
            path = path[..^3];
        }

        return new ApiEndpoints(new UriBuilder(uri) { Path = path + "/", Query = string.Empty }.Uri);
    }
}
