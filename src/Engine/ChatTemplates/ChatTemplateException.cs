namespace Serving.Engine.ChatTemplates;

/// <summary>A chat template failed to parse or render: a syntax or type error, a <c>raise_exception(msg)</c> call, or a limit hit.</summary>
/// <remarks>The server maps it to HTTP 400; <see cref="Exception.Message"/> is the template's own text when
/// <see cref="RaisedByTemplate"/> is true.</remarks>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string message, bool raisedByTemplate = false)
        : base(message)
    {
        RaisedByTemplate = raisedByTemplate;
    }

    /// <summary>True when the template itself called <c>raise_exception</c>; false for engine errors and limits.</summary>
    public bool RaisedByTemplate { get; }
}
