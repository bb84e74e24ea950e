using System.Security.Cryptography;
using System.Text;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.Hosting;

/// <summary>Guards every route except <c>/health</c> with <c>Authorization: Bearer KEY</c> when API keys are configured.</summary>
/// <remarks>Keys are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>, and every
/// configured key is compared, so neither the key's length nor how many leading bytes match shows in the timing.</remarks>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IReadOnlyList<string> apiKeys)
{
    private readonly byte[][] _keyDigests = [.. apiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    public Task InvokeAsync(HttpContext context)
    {
        if (_keyDigests.Length == 0 || context.Request.Path.StartsWithSegments("/health") || IsAuthorized(context.Request))
        {
            return next(context);
        }

        throw OpenAIErrors.Unauthorized();
    }

    private bool IsAuthorized(HttpRequest request)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), digest);
        var match = false;
        foreach (var key in _keyDigests)
        {
            match |= CryptographicOperations.FixedTimeEquals(key, digest);
        }

        return match;
    }
}
