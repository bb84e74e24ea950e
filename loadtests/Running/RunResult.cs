using Serving.LoadTests.Client;
using Serving.LoadTests.Statistics;

namespace Serving.LoadTests.Running;

/// <summary>What a finished run produced: its report (also written to disk) and every request record.</summary>
internal sealed record RunResult(RunReport Report, IReadOnlyList<RequestRecord> Records);
