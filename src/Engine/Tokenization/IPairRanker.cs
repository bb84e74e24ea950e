namespace Serving.Engine.Tokenization;

/// <summary>Decides whether two adjacent symbols may merge and how urgently: SentencePiece by the merged piece's score,
/// byte-level BPE by the merge's rank.</summary>
internal interface IPairRanker
{
    /// <summary>True when the two symbols in <paramref name="pair"/> (the left one is its first <paramref name="leftLength"/>
    /// chars) may merge; lower <paramref name="priority"/> merges first, ties go to the leftmost pair.</summary>
    bool TryRank(ReadOnlySpan<char> pair, int leftLength, out float priority);
}
