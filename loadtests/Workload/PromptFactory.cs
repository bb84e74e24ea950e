using System.Text;

namespace Serving.LoadTests.Workload;

/// <summary>
/// Builds prompts of roughly N tokens from <see cref="WordList"/>: N·<see cref="TokensPerWord"/>⁻¹ words, where the
/// ratio is 1 unless a /tokenize calibration measured it. The approximation is ±10% on ordinary vocabularies; the
/// server's usage.prompt_tokens (reported per request) is the true count, chat templates included.
/// </summary>
internal sealed class PromptFactory
{
    private readonly string _sharedPrefix;

    /// <param name="sharedPrefixTokens">Tokens at the start of every prompt that are the same text in every request.</param>
    /// <param name="tokensPerWord">Measured tokens per word (1 without calibration).</param>
    /// <param name="seed">Chooses the shared prefix's words.</param>
    public PromptFactory(int sharedPrefixTokens, double tokensPerWord, int seed)
    {
        TokensPerWord = tokensPerWord > 0 ? tokensPerWord : 1;
        SharedPrefixTokens = sharedPrefixTokens;
        _sharedPrefix = Words(WordsFor(sharedPrefixTokens), new Random(seed ^ 0x5eed));
    }

    public double TokensPerWord { get; }

    public int SharedPrefixTokens { get; }

    /// <summary>A prompt of about <paramref name="tokens"/> tokens: the shared prefix, then words drawn from <paramref name="random"/>.</summary>
    public string Create(int tokens, Random random)
    {
        var uniqueWords = Math.Max(1, WordsFor(tokens - SharedPrefixTokens));
        var unique = Words(uniqueWords, random);
        return _sharedPrefix.Length == 0 ? unique : _sharedPrefix + " " + unique;
    }

    /// <summary>Plain calibration text of <paramref name="words"/> words (for /tokenize).</summary>
    public static string CalibrationText(int words) => Words(words, new Random(1));

    private int WordsFor(int tokens) => tokens <= 0 ? 0 : (int)Math.Round(tokens / TokensPerWord);

    private static string Words(int count, Random random)
    {
        var builder = new StringBuilder(count * 6);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            builder.Append(WordList.Words[random.Next(WordList.Words.Length)]);
        }

        return builder.ToString();
    }
}
