using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Serving.Engine.Tokenization;

/// <summary>Splits text into words before byte-level BPE with a list of regexes applied in turn, matching llama.cpp's
/// <c>unicode_regex_split</c> code point for code point.</summary>
/// <remarks>
/// NOTE: .NET's <c>\p{L}</c> sees UTF-16 code units, so an astral letter (U+20000) would be two non-letters. llama.cpp's own
/// fallback has the same problem with <c>std::regex</c> and solves it by "collapsing" the text to one char per code point
/// (ASCII kept, other whitespace as <c>\v</c>, anything else as a placeholder for its category) and rewriting <c>\p{X}</c> to
/// match the placeholders. We do exactly that, which also gives llama.cpp's whitespace set (.NET's <c>\s</c> on the collapsed
/// text is ASCII whitespace). Its hand-written Llama 3 splitter is equivalent to the regex this way.
/// Each regex splits every piece produced by the previous one; text between matches stays a piece of its own.
/// </remarks>
internal sealed class PreTokenizer
{
    private const char Other = '\uE0D0';
    private const char Number = '\uE0D1';
    private const char Letter = '\uE0D2';
    private const char Punctuation = '\uE0D3';
    private const char Mark = '\uE0D4';
    private const char Symbol = '\uE0D5';

    /// <summary>llama.cpp's <c>k_ucat_map</c>: the placeholder plus the ASCII members of each category.</summary>
    private static readonly Dictionary<string, string> CategoryClasses = new(StringComparer.Ordinal)
    {
        [@"\p{N}"] = Number + "0-9",
        [@"\p{L}"] = Letter + "A-Za-z",
        [@"\p{P}"] = Punctuation + @"!-#%-*,-/:-;?-@\[-\]_\{\}",
        [@"\p{M}"] = Mark.ToString(),
        [@"\p{S}"] = Symbol + @"\$\+<->^`\|",
    };

    /// <summary>Inclusive code point ranges that llama.cpp treats as unassigned although .NET (Unicode 16.0) has letters or
    /// digits there.</summary>
    /// <remarks>NOTE: llama.cpp's <c>unicode-data.cpp</c> predates Unicode 16.0, so scripts added in 16.0 (Garay, Tulu-Tigalari,
    /// Egyptian Hieroglyphs Extended-A, ...) are neither <c>\p{L}</c> nor <c>\p{N}</c> to it. Found by tokenizing every code
    /// point up to U+3FFFF with llama.cpp (node-llama-cpp 3.22.1) and with us, in contexts where the category decides the split.</remarks>
    private static readonly int[] UnassignedInLlamaCpp =
    [
        0x1C89, 0x1C8A, 0xA7CB, 0xA7CD, 0xA7DA, 0xA7DC, 0x105C0, 0x105F3, 0x10D40, 0x10D65, 0x10D6F, 0x10D85, 0x10EC2, 0x10EC4,
        0x11380, 0x11389, 0x1138B, 0x1138B, 0x1138E, 0x1138E, 0x11390, 0x113B5, 0x113B7, 0x113B7, 0x113D1, 0x113D1, 0x113D3, 0x113D3,
        0x116D0, 0x116E3, 0x11BC0, 0x11BE0, 0x11BF0, 0x11BF9, 0x13460, 0x143FA, 0x16100, 0x1611D, 0x16130, 0x16139, 0x16D40, 0x16D6C,
        0x16D70, 0x16D79, 0x18CFF, 0x18CFF, 0x1CCF0, 0x1CCF9, 0x1E5D0, 0x1E5ED, 0x1E5F0, 0x1E5FA,
    ];

    private readonly Regex[] _regexes;
    private readonly bool[] _onCollapsed;

    public PreTokenizer(IReadOnlyList<string> patterns)
    {
        _onCollapsed = [.. patterns.Select(p => CategoryClasses.Keys.Any(c => p.Contains(c, StringComparison.Ordinal)))];
        _regexes = [.. patterns.Select((p, i) => new Regex(_onCollapsed[i] ? CollapsePattern(p) : p, RegexOptions.CultureInvariant))];
    }

    /// <summary>Appends the words of <paramref name="text"/> as (start, length) in UTF-16 units.</summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> words)
    {
        // [numCodePoints + 1]: UTF-16 index where each code point starts; the last entry is text.Length.
        var codePointStarts = new List<int>(text.Length + 1);
        var collapsed = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            codePointStarts.Add(i);
            Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed);
            collapsed.Append(Collapse(rune));
            i += consumed;
        }

        codePointStarts.Add(text.Length);
        var collapsedText = collapsed.ToString();

        // Pieces in code points.
        List<(int Start, int Length)> pieces = [(0, codePointStarts.Count - 1)];
        for (var r = 0; r < _regexes.Length; r++)
        {
            var next = new List<(int Start, int Length)>(pieces.Count * 2);
            foreach (var piece in pieces)
            {
                SplitPiece(r, text, collapsedText, codePointStarts, piece, next);
            }

            pieces = next;
        }

        foreach (var (start, length) in pieces)
        {
            words.Add((codePointStarts[start], codePointStarts[start + length] - codePointStarts[start]));
        }
    }

    /// <summary>Rewrites <c>\p{N} \p{L} \p{P} \p{M} \p{S}</c> into classes over the collapsed text (llama.cpp's loop, verbatim).</summary>
    internal static string CollapsePattern(string pattern)
    {
        var result = new StringBuilder(pattern.Length * 2);
        var inside = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '[' && (i == 0 || pattern[i - 1] != '\\'))
            {
                result.Append('[');
                inside = true;
                continue;
            }

            if (inside && pattern[i] == ']' && pattern[i - 1] != '\\')
            {
                result.Append(']');
                inside = false;
                continue;
            }

            if (i + 4 < pattern.Length && CategoryClasses.TryGetValue(pattern.Substring(i, 5), out var members))
            {
                result.Append(inside ? members : $"[{members}]");
                i += 4;
                continue;
            }

            result.Append(pattern[i]);
        }

        return result.ToString();
    }

    private static char Collapse(Rune rune)
    {
        if (rune.Value < 0x80)
        {
            return (char)rune.Value;
        }

        if (IsWhitespace(rune.Value))
        {
            return '\v';
        }

        if (IsUnassignedInLlamaCpp(rune.Value))
        {
            return Other;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => Punctuation,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Mark,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => Symbol,
            _ => Other,
        };
    }

    /// <summary>Unicode White_Space outside ASCII (llama.cpp's <c>unicode_set_whitespace</c>).</summary>
    private static bool IsWhitespace(int codePoint) =>
        codePoint is 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A) or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    private static bool IsUnassignedInLlamaCpp(int codePoint)
    {
        // The array holds (start, end) pairs in order: an odd insertion point falls inside a range, an exact hit is an endpoint.
        var index = Array.BinarySearch(UnassignedInLlamaCpp, codePoint);
        return index >= 0 || (~index & 1) == 1;
    }

    private void SplitPiece(
        int regexIndex, ReadOnlySpan<char> text, string collapsedText, List<int> codePointStarts,
        (int Start, int Length) piece, List<(int Start, int Length)> output)
    {
        var onCollapsed = _onCollapsed[regexIndex];
        var charStart = codePointStarts[piece.Start];
        var input = onCollapsed
            ? collapsedText.AsSpan(piece.Start, piece.Length)
            : text[charStart..codePointStarts[piece.Start + piece.Length]];

        var position = 0;
        foreach (var match in _regexes[regexIndex].EnumerateMatches(input))
        {
            if (match.Length == 0)
            {
                continue;
            }

            var start = onCollapsed ? match.Index : ToCodePoint(codePointStarts, charStart + match.Index) - piece.Start;
            var end = onCollapsed ? match.Index + match.Length : ToCodePoint(codePointStarts, charStart + match.Index + match.Length) - piece.Start;
            if (start > position)
            {
                output.Add((piece.Start + position, start - position));
            }

            if (end > start)
            {
                output.Add((piece.Start + start, end - start));
            }

            position = end;
        }

        if (position < piece.Length)
        {
            output.Add((piece.Start + position, piece.Length - position));
        }
    }

    /// <summary>The code point that starts at (or contains) a UTF-16 index.</summary>
    private static int ToCodePoint(List<int> codePointStarts, int charIndex)
    {
        var index = codePointStarts.BinarySearch(charIndex);
        return index >= 0 ? index : ~index - 1;
    }
}
