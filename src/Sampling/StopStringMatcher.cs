namespace Serving.Sampling;

/// <summary>Stop strings on detokenized text with hold-back: feed text deltas, get back the text that is safe to emit now and
/// whether a stop string matched (text from the match on is never emitted). Pure: no tokenizer, one instance per request.</summary>
/// <remarks>
/// A stop string may arrive split over several deltas, so the longest tail of the text that is still a prefix of some stop
/// string is held back until the next delta decides it:
/// <code>
///   stops: ["###"]     push "ab#"  → emit "ab",  hold "#"
///                      push "#"    → emit "",    hold "##"
///                      push "#c"   → match: emit "" (the held "##" and "#c" are never emitted), stopped
/// </code>
/// When several stop strings occur, the earliest start wins (ties: the first in the list).
/// </remarks>
public sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private string _held = string.Empty;
    private bool _isStopped;

    public StopStringMatcher(IReadOnlyList<string> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        _stops = [.. stops];
        foreach (var stop in _stops)
        {
            ArgumentException.ThrowIfNullOrEmpty(stop, nameof(stops));
        }
    }

    /// <summary>Text held back because it may be the start of a stop string (empty when nothing is pending).</summary>
    public string HeldText => _held;

    /// <summary>Adds <paramref name="delta"/> (newly detokenized text) and returns what may be emitted now.</summary>
    /// <exception cref="InvalidOperationException">A stop string already matched.</exception>
    public StopMatch Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (_isStopped)
        {
            throw new InvalidOperationException("A stop string already matched; the request is finished.");
        }

        if (_stops.Length == 0)
        {
            return new StopMatch(delta, null);
        }

        var text = _held.Length == 0 ? delta : string.Concat(_held, delta);
        var (matchStart, stop) = FindEarliest(text);
        if (stop is not null)
        {
            _isStopped = true;
            _held = string.Empty;
            return new StopMatch(text[..matchStart], stop);
        }

        var numHeld = LongestTailThatIsStopPrefix(text);
        _held = text[(text.Length - numHeld)..];
        return new StopMatch(text[..(text.Length - numHeld)], null);
    }

    /// <summary>Ends the stream without a match: returns the held-back text (it turned out not to be a stop string).</summary>
    public string Flush()
    {
        var held = _held;
        _held = string.Empty;
        return held;
    }

    private (int Start, string? Stop) FindEarliest(string text)
    {
        var bestStart = int.MaxValue;
        string? best = null;
        foreach (var stop in _stops)
        {
            var start = text.IndexOf(stop, StringComparison.Ordinal);
            if (start >= 0 && start < bestStart)
            {
                bestStart = start;
                best = stop;
            }
        }

        return (bestStart, best);
    }

    private int LongestTailThatIsStopPrefix(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            // NOTE: only proper prefixes: a full occurrence would have matched in FindEarliest.
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
