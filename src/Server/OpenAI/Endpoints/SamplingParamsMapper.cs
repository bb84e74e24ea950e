using System.Globalization;
using Serving.Sampling;
using Serving.Server.OpenAI.Contracts;
using Serving.Server.OpenAI.Errors;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary>Turns the request's sampling fields into a validated <see cref="SamplingParams"/> for one prompt (STYLE E2):
/// defaults are OpenAI's, and anything out of range is a 400 naming the field, never clamped.</summary>
internal static class SamplingParamsMapper
{
    /// <param name="fields">The shared request fields.</param>
    /// <param name="maxTokens">max_tokens as the API spells it (chat: max_completion_tokens wins over max_tokens).</param>
    /// <param name="defaultMaxTokens">Used when <paramref name="maxTokens"/> is absent; null means "up to the context length".</param>
    /// <param name="logprobs">Alternatives per token, or null when logprobs are off.</param>
    /// <param name="numPromptTokens">Length of the prompt this request samples after.</param>
    /// <param name="contextLength">The model's context length (prompt + generated).</param>
    /// <param name="vocabSize">Vocabulary size, for token-id fields.</param>
    public static SamplingParams Map(
        SamplingFields fields, int? maxTokens, int? defaultMaxTokens, int? logprobs, int numPromptTokens, int contextLength, int vocabSize)
    {
        var room = contextLength - numPromptTokens;
        if (room < 1)
        {
            throw OpenAIErrors.BadRequest(
                $"This model's maximum context length is {contextLength} tokens, but the prompt has {numPromptTokens} tokens.",
                fields is ChatCompletionRequest ? "messages" : "prompt",
                "context_length_exceeded");
        }

        var numTokens = maxTokens ?? Math.Min(defaultMaxTokens ?? room, room);
        if (numTokens > room)
        {
            throw OpenAIErrors.BadRequest(
                $"This model's maximum context length is {contextLength} tokens. However, you requested {numPromptTokens + numTokens} tokens " +
                $"({numPromptTokens} in the prompt, {numTokens} for the completion).",
                "max_tokens",
                "context_length_exceeded");
        }

        var parameters = new SamplingParams
        {
            Temperature = fields.Temperature ?? 1f,
            TopP = fields.TopP ?? 1f,
            TopK = fields.TopK ?? 0,
            MinP = fields.MinP ?? 0f,
            RepetitionPenalty = fields.RepetitionPenalty ?? 1f,
            PresencePenalty = fields.PresencePenalty ?? 0f,
            FrequencyPenalty = fields.FrequencyPenalty ?? 0f,
            LogitBias = ParseLogitBias(fields.LogitBias),
            Seed = fields.Seed,
            MaxTokens = numTokens,
            MinTokens = fields.MinTokens ?? 0,
            IgnoreEos = fields.IgnoreEos ?? false,
            StopTokenIds = fields.StopTokenIds ?? [],
            Stop = fields.Stop ?? [],
            Logprobs = logprobs,
        };
        try
        {
            parameters.Validate(vocabSize);
        }
        catch (SamplingParamsException e)
        {
            throw OpenAIErrors.BadRequest(e.Message, e.Param);
        }

        return parameters;
    }

    /// <summary>Checks <c>n</c> against the server's limit; returns it (default 1).</summary>
    public static int ValidateN(int? n, int maxN) => n switch
    {
        null => 1,
        >= 1 when n <= maxN => n.Value,
        _ => throw OpenAIErrors.BadRequest($"n must be in [1, {maxN}].", "n"),
    };

    private static Dictionary<int, float>? ParseLogitBias(IReadOnlyDictionary<string, float>? bias)
    {
        if (bias is null)
        {
            return null;
        }

        var parsed = new Dictionary<int, float>(bias.Count);
        foreach (var (key, value) in bias)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var tokenId))
            {
                throw OpenAIErrors.BadRequest($"logit_bias key '{key}' is not a token id.", "logit_bias");
            }

            parsed[tokenId] = value;
        }

        return parsed;
    }
}
