namespace Serving.Scheduler;

/// <summary>A message into the engine loop's inbox, the only way other threads reach scheduler state (STYLE C1).</summary>
internal abstract record EngineCommand;
