namespace Serving.Engine.Tokenization;

/// <summary>One piece of the input after special-token splitting: either a special token or a stretch of plain text.</summary>
/// <param name="TokenId">The special token's id, or -1 for plain text.</param>
/// <param name="Start">Start of the plain text in the input (UTF-16 index).</param>
/// <param name="Length">Length of the plain text.</param>
internal readonly record struct TextFragment(int TokenId, int Start, int Length)
{
    public bool IsToken => TokenId >= 0;
}
