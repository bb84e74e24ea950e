namespace Serving.Scheduler.Requests;

/// <summary>Where a request is in its life on the engine thread.</summary>
internal enum RequestStatus
{
    Waiting,
    Running,
    Preempted,
    Finished,
}
