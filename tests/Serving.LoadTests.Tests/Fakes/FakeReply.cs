namespace Serving.LoadTests.Tests.Fakes;

/// <summary>How the fake server answers one request.</summary>
internal enum FakeReply
{
    Normal,
    /// <summary>429 with the OpenAI error shape before any byte of a stream.</summary>
    RateLimited,
    /// <summary>One token, then an error event, then [DONE] (status already 200).</summary>
    ErrorMidStream,
}
