using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>Finishes a request at the next step boundary (client gone, or a stop string found by its output stream).</summary>
internal sealed record AbortRequestCommand(string RequestId, FinishReason Reason) : EngineCommand;
