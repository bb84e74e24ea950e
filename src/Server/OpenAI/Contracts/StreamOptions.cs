namespace Serving.Server.OpenAI.Contracts;

/// <summary><c>stream_options</c>: <c>include_usage</c> adds one final chunk with token counts before <c>[DONE]</c>.</summary>
internal sealed record StreamOptions
{
    public bool? IncludeUsage { get; init; }
}
