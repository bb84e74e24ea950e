namespace Serving.LoadTests.Client;

/// <summary>Why a request did not complete; <see cref="None"/> for a success or a deliberate client abort.</summary>
internal enum ErrorKind
{
    None,
    /// <summary>A non-2xx HTTP status (the status itself is in <see cref="RequestRecord.Status"/>).</summary>
    HttpStatus,
    /// <summary>The request exceeded its timeout, or was still running when the drain timeout ended the run.</summary>
    Timeout,
    /// <summary>The connection could not be opened.</summary>
    ConnectFailed,
    /// <summary>The server closed the connection or the stream ended without <c>data: [DONE]</c>.</summary>
    Disconnect,
    /// <summary>The stream carried an error event after the 200 status.</summary>
    StreamError,
    /// <summary>The response could not be parsed as the OpenAI shape.</summary>
    BadResponse,
}
