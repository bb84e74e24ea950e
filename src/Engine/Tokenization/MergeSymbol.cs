namespace Serving.Engine.Tokenization;

/// <summary>A symbol in the doubly linked list that BPE merging rewrites (llama.cpp's <c>llm_symbol</c>).</summary>
/// <remarks>A symbol's start never moves; merging grows the left symbol and empties the right one (Length 0).</remarks>
internal struct MergeSymbol
{
    public int Start;
    public int Length;
    public int Prev;
    public int Next;
}
