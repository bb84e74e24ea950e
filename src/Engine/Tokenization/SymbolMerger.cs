namespace Serving.Engine.Tokenization;

/// <summary>Greedy pair merging over a linked list of symbols with a priority queue, as llama.cpp's SPM and BPE sessions do;
/// O(n log n) in the text length.</summary>
/// <remarks>Holds scratch state: one instance per encode call, reused for each word of that call.</remarks>
internal sealed class SymbolMerger
{
    private readonly PriorityQueue<(int Left, int Right, int Size), (float Priority, int Left)> _queue = new();
    private MergeSymbol[] _symbols = new MergeSymbol[64];

    /// <summary>Merges <paramref name="text"/>, starting from one symbol per code point, and appends the final symbols' ranges.</summary>
    public void Merge<TRanker>(ReadOnlySpan<char> text, TRanker ranker, List<(int Start, int Length)> output)
        where TRanker : IPairRanker
    {
        var count = Seed(text);
        if (count == 0)
        {
            return;
        }

        _queue.Clear();
        for (var i = 1; i < count; i++)
        {
            TryQueue(text, ranker, i - 1, i);
        }

        while (_queue.TryDequeue(out var bigram, out _))
        {
            ref var left = ref _symbols[bigram.Left];
            ref var right = ref _symbols[bigram.Right];

            // NOTE: stale entry (a side merged since it was queued). Symbol starts never move, so lengths decide.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Size)
            {
                continue;
            }

            left.Length += right.Length;
            right.Length = 0;
            left.Next = right.Next;
            if (right.Next >= 0)
            {
                _symbols[right.Next].Prev = bigram.Left;
            }

            TryQueue(text, ranker, left.Prev, bigram.Left);
            TryQueue(text, ranker, bigram.Left, left.Next);
        }

        for (var i = 0; i != -1; i = _symbols[i].Next)
        {
            output.Add((_symbols[i].Start, _symbols[i].Length));
        }
    }

    private int Seed(ReadOnlySpan<char> text)
    {
        if (_symbols.Length < text.Length)
        {
            _symbols = new MergeSymbol[Math.Max(text.Length, _symbols.Length * 2)];
        }

        var count = 0;
        for (var i = 0; i < text.Length; count++)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            _symbols[count] = new MergeSymbol { Start = i, Length = length, Prev = count - 1, Next = i + length == text.Length ? -1 : count + 1 };
            i += length;
        }

        return count;
    }

    private void TryQueue<TRanker>(ReadOnlySpan<char> text, TRanker ranker, int left, int right)
        where TRanker : IPairRanker
    {
        if (left < 0 || right < 0)
        {
            return;
        }

        var start = _symbols[left].Start;
        var size = _symbols[left].Length + _symbols[right].Length;
        if (ranker.TryRank(text.Slice(start, size), _symbols[left].Length, out var priority))
        {
            _queue.Enqueue((left, right, size), (priority, left));
        }
    }
}
