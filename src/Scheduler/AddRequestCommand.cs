using System.Threading.Channels;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler;

/// <summary>Hands a new request, and the writer of its output channel, to the engine thread.</summary>
internal sealed record AddRequestCommand(Request Request, ChannelWriter<RequestOutput> Outputs) : EngineCommand;
