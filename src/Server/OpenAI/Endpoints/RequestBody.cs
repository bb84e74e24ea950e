using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary>Reads a JSON request body into its contract type; any malformed input is a 400 naming the field it broke
/// (<c>$.temperature</c> → <c>param: "temperature"</c>), never a 500.</summary>
internal static class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            var param = ParamOf(e.Path);
            throw OpenAIErrors.BadRequest(
                param is null ? $"The request body is not valid JSON: {FirstSentence(e.Message)}" : $"Invalid value for '{param}': {FirstSentence(e.Message)}",
                param);
        }

        return value ?? throw OpenAIErrors.BadRequest("The request body must be a JSON object.");
    }

    /// <summary><c>$.messages[0].content</c> → <c>messages[0].content</c>; the root (<c>$</c>) names no field.</summary>
    internal static string? ParamOf(string? path) =>
        path is null || path.Length <= 2 || !path.StartsWith("$.", StringComparison.Ordinal) ? null : path[2..];

    /// <summary>System.Text.Json appends "Path: … | LineNumber: …" to its messages; the param already says where.</summary>
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
