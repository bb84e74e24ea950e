namespace Serving.Engine.Gguf;

/// <summary>A GGUF file is malformed or unsupported; the message names the problem and the byte offset where it was found.</summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})")
    {
        Offset = offset;
    }

    public GgufFormatException(string message)
        : base(message)
    {
        Offset = -1;
    }

    /// <summary>File offset of the problem, or -1 when it is not tied to one place.</summary>
    public long Offset { get; }
}
