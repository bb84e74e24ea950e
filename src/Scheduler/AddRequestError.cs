namespace Serving.Scheduler;

/// <summary>Why <see cref="IEngineClient.AddRequest"/> refused a request (maps to an HTTP status at the server).</summary>
public enum AddRequestError
{
    /// <summary>Prompt + max_tokens exceed the context length or the whole KV cache (400).</summary>
    TooLong,

    /// <summary>More choices (n) than sequences may run at once (400).</summary>
    TooManyChoices,

    /// <summary>Too many requests are already waiting (429 with Retry-After, STYLE C2).</summary>
    TooManyRequests,

    /// <summary>The engine loop has stopped (503).</summary>
    EngineStopped,
}
