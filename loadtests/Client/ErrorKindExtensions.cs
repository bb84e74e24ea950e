using System.Text.Json;

namespace Serving.LoadTests.Client;

/// <summary>The snake_case names error kinds have in every report.</summary>
internal static class ErrorKindExtensions
{
    public static string ToReportName(this ErrorKind error) =>
        error == ErrorKind.None ? string.Empty : JsonNamingPolicy.SnakeCaseLower.ConvertName(error.ToString());
}
