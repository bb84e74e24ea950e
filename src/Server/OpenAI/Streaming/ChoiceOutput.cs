using Serving.Scheduler;

namespace Serving.Server.OpenAI.Streaming;

/// <summary>One engine update of choice <see cref="Index"/> (the OpenAI choice index) of a request.</summary>
internal readonly record struct ChoiceOutput(int Index, RequestOutput Output);
