using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>The completions <c>prompt</c>: one or more prompts, given either as text or as token ids (never mixed).</summary>
/// <remarks>The four wire forms (string, string[], int[], int[][]) collapse into exactly one non-null list here.</remarks>
[JsonConverter(typeof(PromptInputConverter))]
internal sealed record PromptInput
{
    /// <summary>Text prompts, or null when the prompts are token ids.</summary>
    public IReadOnlyList<string>? Texts { get; init; }

    /// <summary>Token-id prompts, or null when the prompts are text.</summary>
    public IReadOnlyList<IReadOnlyList<int>>? TokenIds { get; init; }

    public int Count => Texts?.Count ?? TokenIds!.Count;
}
