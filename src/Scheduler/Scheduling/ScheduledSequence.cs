using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Scheduling;

/// <summary>One sequence's share of a step: tokens <c>[NumComputedTokens, NumComputedTokens + NumScheduledTokens)</c> of
/// its <see cref="Request.AllTokenIds"/>. <see cref="SamplesToken"/> is set when the step reaches its last known token, so
/// its last row's logits give the next token. Fixed when planned, so a plan stays a value after the request moves on.</summary>
internal readonly record struct ScheduledSequence(Request Request, int NumComputedTokens, int NumScheduledTokens, bool SamplesToken)
{
    public string RequestId => Request.RequestId;

    public static ScheduledSequence For(Request request, int numScheduledTokens) =>
        new(request, request.NumComputedTokens, numScheduledTokens, request.NumComputedTokens + numScheduledTokens == request.NumTokens);
}
