using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Serving.Server.OpenAI.Streaming;

/// <summary>Writes whole JSON bodies straight into the response <c>PipeWriter</c> with the same encoder the SSE stream uses.</summary>
internal static class JsonResponses
{
    /// <summary>Non-ASCII text goes out as raw UTF-8 (as OpenAI sends it), not as <c>\uXXXX</c> escapes; the output is an
    /// API body, never embedded in HTML, so the relaxed encoder's HTML-safety trade-off does not apply.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync<T>(HttpResponse response, int statusCode, T value, JsonTypeInfo<T> typeInfo)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        return response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted).AsTask();
    }
}
