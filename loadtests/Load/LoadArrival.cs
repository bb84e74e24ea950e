namespace Serving.LoadTests.Load;

/// <summary>One request the driver starts now: its sequence number, whether it is warm-up, and its start offset.</summary>
internal readonly record struct LoadArrival(int Index, bool Warmup, TimeSpan Start);
