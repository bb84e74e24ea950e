using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>The request fields chat and text completions share: limits, sampling, stopping, streaming and vLLM's extensions.</summary>
internal abstract record SamplingFields
{
    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? N { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public long? Seed { get; init; }

    public float? PresencePenalty { get; init; }

    public float? FrequencyPenalty { get; init; }

    /// <summary>Token id (as a JSON object key) → bias added to its logit.</summary>
    public IReadOnlyDictionary<string, float>? LogitBias { get; init; }

    public string? User { get; init; }

    public int? TopK { get; init; }

    public float? MinP { get; init; }

    public float? RepetitionPenalty { get; init; }

    public bool? IgnoreEos { get; init; }

    public int? MinTokens { get; init; }

    public IReadOnlyList<int>? StopTokenIds { get; init; }

    public bool? SkipSpecialTokens { get; init; }
}
