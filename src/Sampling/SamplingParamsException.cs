namespace Serving.Sampling;

/// <summary>A sampling parameter is out of range; <see cref="Param"/> names the offending field in the OpenAI spelling
/// (<c>top_p</c>, <c>logit_bias</c>, ...) so the server can answer 400 with <c>param</c> set.</summary>
public sealed class SamplingParamsException : ArgumentException
{
    private readonly string _message;

    public SamplingParamsException(string param, string message)
        : base(message, param)
    {
        Param = param;
        _message = message;
    }

    /// <summary>The message alone: it goes to API clients as is, who get the field in <c>param</c>, not as
    /// ArgumentException's " (Parameter '...')" suffix.</summary>
    public override string Message => _message;

    /// <summary>The OpenAI request field that is invalid, e.g. <c>top_p</c>.</summary>
    public string Param { get; }
}
