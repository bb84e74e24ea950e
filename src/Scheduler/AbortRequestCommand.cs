using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>Finishes a request at the next step boundary (client gone, or a stop string found by its output stream): all
/// its choices, or only choice <paramref name="Index"/>.</summary>
internal sealed record AbortRequestCommand(string RequestId, FinishReason Reason, int? Index = null) : EngineCommand;
