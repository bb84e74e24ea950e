using System.Text.Json.Serialization;

namespace Serving.LoadTests.Scenarios;

/// <summary>How a token length is drawn per request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LengthDistributionKind>))]
internal enum LengthDistributionKind
{
    [JsonStringEnumMemberName("fixed")]
    Fixed,
    [JsonStringEnumMemberName("uniform")]
    Uniform,
    [JsonStringEnumMemberName("normal")]
    Normal,
}
