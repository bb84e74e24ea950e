namespace Serving.Sampling;

/// <summary>Why a request finished (OpenAI's <c>finish_reason</c>).</summary>
public enum FinishReason
{
    /// <summary>EOS, a stop token id or a stop string.</summary>
    Stop,

    /// <summary><see cref="SamplingParams.MaxTokens"/> reached.</summary>
    Length,

    /// <summary>The client went away or the request was cancelled.</summary>
    Abort,
}
