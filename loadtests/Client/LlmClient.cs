using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Serving.LoadTests.Workload;

namespace Serving.LoadTests.Client;

/// <summary>Sends one completions or chat request and measures it from the client side (TTFT, inter-token gaps, e2e).</summary>
internal sealed class LlmClient(HttpClient http, ApiEndpoints endpoints, TimeProvider timeProvider, TimeSpan requestTimeout)
{
    private const int MaxErrorBodyChars = 2000;

    /// <summary>
    /// Sends <paramref name="plan"/>; never throws for anything the server or network does, only returns a record.
    /// <paramref name="startMs"/> is the start on the run's timeline; <paramref name="cancellationToken"/> is the run's
    /// hard stop, and a request still running then counts as a timeout.
    /// </summary>
    public async Task<RequestRecord> SendAsync(RequestPlan plan, double startMs, bool warmup, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var measurement = new StreamMeasurement(timeProvider, started);
        using var deadline = new CancellationTokenSource(requestTimeout, timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var status = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, plan.Chat ? endpoints.ChatCompletions : endpoints.Completions)
            {
                Content = new ByteArrayContent(plan.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                return measurement.ToRecord(plan, startMs, warmup, status, ErrorKind.HttpStatus, ErrorMessageOf(body));
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var (error, message) = plan.Stream
                    ? await ReadStreamAsync(stream, plan.AbortAfterChunks, measurement, timeout.Token).ConfigureAwait(false)
                    : await ReadWholeAsync(stream, measurement, timeout.Token).ConfigureAwait(false);
                return measurement.ToRecord(plan, startMs, warmup, status, error, message);
            }
        }
        catch (OperationCanceledException)
        {
            return measurement.ToRecord(plan, startMs, warmup, status, ErrorKind.Timeout, $"no completion within {requestTimeout.TotalSeconds:0.#} s or the drain timeout");
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return measurement.ToRecord(plan, startMs, warmup, status, ErrorKind.ConnectFailed, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return measurement.ToRecord(plan, startMs, warmup, status, ErrorKind.Disconnect, e.Message);
        }
    }

    private static async Task<(ErrorKind Error, string? Message)> ReadStreamAsync(
        Stream stream, int? abortAfterChunks, StreamMeasurement measurement, CancellationToken cancellationToken)
    {
        using var reader = new SseReader(stream);
        while (await reader.ReadEventDataAsync(cancellationToken).ConfigureAwait(false) is { } data)
        {
            if (data == "[DONE]")
            {
                return (ErrorKind.None, null);
            }

            var (error, message) = ParseChunk(data, measurement);
            if (error != ErrorKind.None)
            {
                return (error, message);
            }

            if (measurement.NumChunks >= abortAfterChunks)
            {
                // NOTE: disposing the response mid-body closes the connection (MaxResponseDrainSize = 0), which is
                // exactly the client disconnect the server must turn into an abort.
                measurement.Aborted = true;
                return (ErrorKind.None, null);
            }
        }

        return (ErrorKind.Disconnect, "the stream ended without data: [DONE]");
    }

    private static async Task<(ErrorKind Error, string? Message)> ReadWholeAsync(Stream stream, StreamMeasurement measurement, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return ParseChunk(body, measurement);
    }

    /// <summary>Reads one chunk (or a whole non-streamed response): text, usage, or an error object.</summary>
    private static (ErrorKind Error, string? Message) ParseChunk(string json, StreamMeasurement measurement)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (ErrorKind.StreamError, error.TryGetProperty("message", out var m) ? m.ToString() : error.ToString());
            }

            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && !string.IsNullOrEmpty(TextOf(choices[0])))
            {
                measurement.OnText();
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                measurement.PromptTokens = usage.TryGetProperty("prompt_tokens", out var p) ? p.GetInt32() : null;
                measurement.OutputTokens = usage.TryGetProperty("completion_tokens", out var c) ? c.GetInt32() : null;
            }

            return (ErrorKind.None, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return (ErrorKind.BadResponse, e.Message);
        }
    }

    /// <summary>choices[0].text (completions), .delta.content (chat stream) or .message.content (chat, whole).</summary>
    private static string? TextOf(JsonElement choice)
    {
        if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            return text.GetString();
        }

        foreach (var name in (ReadOnlySpan<string>)["delta", "message"])
        {
            if (choice.TryGetProperty(name, out var message) && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                return content.GetString();
            }
        }

        return null;
    }

    private static string ErrorMessageOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message))
            {
                return message.ToString();
            }
        }
        catch (JsonException)
        {
            // Not the OpenAI error shape: the raw body is the best message we have.
        }

        return body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] : body;
    }

    /// <summary>Connections pooled up to the run's concurrency; an abandoned response closes its connection instead of draining it.</summary>
    public static HttpClient CreateHttpClient(int maxConnections, string? apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            MaxResponseDrainSize = 0,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }
}
