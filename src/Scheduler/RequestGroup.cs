using System.Threading.Channels;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler;

/// <summary>The choices of one client request (n ≥ 1) and the output channel they share; the channel completes when the
/// last choice finishes. Engine-thread only.</summary>
internal sealed class RequestGroup(Request first, ChannelWriter<RequestOutput> writer)
{
    public ChannelWriter<RequestOutput> Writer { get; } = writer;

    public List<Request> Choices { get; } = [first];

    public int NumUnfinished { get; set; } = 1;
}
