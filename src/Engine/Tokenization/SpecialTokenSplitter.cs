namespace Serving.Engine.Tokenization;

/// <summary>Cuts special-token strings out of the input before any pre-tokenization (llama.cpp's <c>tokenizer_st_partition</c>).</summary>
internal static class SpecialTokenSplitter
{
    /// <summary>Splits <paramref name="text"/> into plain-text stretches and special tokens.</summary>
    /// <remarks>Candidates are tried longest first; each cuts every occurrence, left to right, out of the stretches not yet cut.
    /// USER_DEFINED tokens are always cut (as Hugging Face does); CONTROL and UNKNOWN only with <paramref name="parseSpecial"/>.
    /// An empty text gives no fragments.</remarks>
    public static List<TextFragment> Split(string text, Vocabulary vocabulary, bool parseSpecial)
    {
        var fragments = new List<TextFragment>();
        if (text.Length == 0)
        {
            return fragments;
        }

        fragments.Add(new TextFragment(-1, 0, text.Length));
        foreach (var id in vocabulary.SpecialTokensLongestFirst)
        {
            if (!parseSpecial && (vocabulary.Attributes[id] & (TokenAttributes.Control | TokenAttributes.Unknown)) != 0)
            {
                continue;
            }

            var token = vocabulary.Texts[id];
            if (text.Contains(token, StringComparison.Ordinal))
            {
                fragments = CutOut(text, token, id, fragments);
            }
        }

        return fragments;
    }

    private static List<TextFragment> CutOut(string text, string token, int tokenId, List<TextFragment> fragments)
    {
        var result = new List<TextFragment>(fragments.Count + 4);
        foreach (var fragment in fragments)
        {
            if (fragment.IsToken)
            {
                result.Add(fragment);
                continue;
            }

            var start = fragment.Start;
            var end = fragment.Start + fragment.Length;
            while (start < end)
            {
                var match = text.AsSpan(start, end - start).IndexOf(token, StringComparison.Ordinal);
                if (match < 0)
                {
                    result.Add(new TextFragment(-1, start, end - start));
                    break;
                }

                if (match > 0)
                {
                    result.Add(new TextFragment(-1, start, match));
                }

                result.Add(new TextFragment(tokenId, 0, 0));
                start += match + token.Length;
            }
        }

        return result;
    }
}
