using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>Python string semantics over .NET strings: length, indexing and slicing count code points, not UTF-16 units,
/// and whitespace is Python's <c>str.isspace</c>.</summary>
internal static class PyString
{
    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static bool HasSurrogates(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    /// <summary><c>len(s)</c>: code points.</summary>
    public static int Length(string s) => HasSurrogates(s) ? s.EnumerateRunes().Count() : s.Length;

    /// <summary>The code points of <paramref name="s"/> as one-character Python strings (what iterating a string yields).</summary>
    public static List<object?> Characters(string s)
    {
        var chars = new List<object?>(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            chars.Add(rune.ToString());
        }

        return chars;
    }

    /// <summary><c>s[index]</c> with a negative index counting from the end; null when out of range.</summary>
    public static string? At(string s, long index)
    {
        if (!HasSurrogates(s))
        {
            var i = index < 0 ? index + s.Length : index;
            return i >= 0 && i < s.Length ? s[(int)i].ToString() : null;
        }

        var chars = Characters(s);
        var j = index < 0 ? index + chars.Count : index;
        return j >= 0 && j < chars.Count ? (string?)chars[(int)j] : null;
    }

    public static string Slice(string s, long? start, long? stop, long? step)
    {
        if (!HasSurrogates(s) && (step ?? 1) == 1)
        {
            var (from, to, _) = PySlice.Indices(s.Length, start, stop, 1);
            return to > from ? s[from..to] : "";
        }

        var sb = new StringBuilder();
        foreach (var item in PySlice.Apply(Characters(s), start, stop, step))
        {
            sb.Append((string?)item);
        }

        return sb.ToString();
    }

    /// <summary>Ordinal comparison by code point (UTF-16 order differs from Python's for astral characters).</summary>
    public static int CompareCodePoints(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA.CompareTo(hasB);
            }

            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    /// <summary><c>s.strip(chars)</c> / <c>lstrip</c> / <c>rstrip</c>; null <paramref name="chars"/> means whitespace.</summary>
    public static string Strip(string s, string? chars, bool left, bool right)
    {
        var start = 0;
        var end = s.Length;
        while (left && start < end && IsStripped(s[start], chars))
        {
            start++;
        }

        while (right && end > start && IsStripped(s[end - 1], chars))
        {
            end--;
        }

        return s[start..end];
    }

    /// <summary><c>s.split(sep, maxsplit)</c>; a null separator splits on whitespace runs and drops empty parts.</summary>
    public static List<object?> Split(string s, string? separator, long maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsWhiteSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    return parts;
                }

                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(Strip(s[i..], null, false, true));
                    return parts;
                }

                var j = i;
                while (j < s.Length && !IsWhiteSpace(s[j]))
                {
                    j++;
                }

                parts.Add(s[i..j]);
                i = j;
            }
        }

        if (separator.Length == 0)
        {
            throw new ChatTemplateException("empty separator");
        }

        var from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = s.IndexOf(separator, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(s[from..at]);
            from = at + separator.Length;
        }

        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>Python's <c>str.title()</c>: a letter after a non-letter is upper-cased, every other letter lower-cased.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>str.capitalize()</c>: first character upper-cased, the rest lower-cased.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static bool IsStripped(char c, string? chars) => chars is null ? IsWhiteSpace(c) : chars.Contains(c, StringComparison.Ordinal);
}
