using System.Text.Json.Serialization;

namespace Serving.Server.OpenAI.Contracts;

/// <summary>What a chunk adds to the message: the role on the first chunk, then content pieces; the last chunk's delta is
/// empty (<c>{}</c>) and only carries <c>finish_reason</c> on its choice.</summary>
internal sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);
