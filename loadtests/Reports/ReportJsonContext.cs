using System.Text.Json.Serialization;
using Serving.LoadTests.Scenarios;
using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Reports;

/// <summary>Source-generated snake_case JSON for report.json and for scenario files (unknown fields are rejected, so typos surface).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(ScenarioConfig))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
