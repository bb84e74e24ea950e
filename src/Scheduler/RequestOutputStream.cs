using System.Threading.Channels;
using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>A request's output stream as its consumer sees it: reads the engine's per-request channel and, on the
/// consumer's thread, detokenizes and matches stop strings (STYLE E5: the engine thread never touches text). A stop-string
/// match or an early end of the enumeration aborts the request in the engine.</summary>
internal sealed class RequestOutputStream(
    string requestId,
    ChannelReader<RequestOutput> reader,
    IIncrementalDetokenizer? detokenizer,
    IReadOnlyList<string> stops,
    Action<string, FinishReason> abort) : IAsyncEnumerable<RequestOutput>
{
    private int _enumerated;

    public async IAsyncEnumerator<RequestOutput> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A request's output stream can be enumerated once.");
        }

        var matcher = detokenizer is not null && stops.Count > 0 ? new StopStringMatcher(stops) : null;
        var finished = false;
        try
        {
            await foreach (var output in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var result = detokenizer is null ? output : WithText(output, detokenizer, matcher);
                finished = result.FinishReason is not null;
                if (finished && output.FinishReason is null)
                {
                    // NOTE: a stop string ended it here; the engine still holds the request until the abort lands.
                    abort(requestId, FinishReason.Stop);
                }

                yield return result;
                if (finished)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (!finished)
            {
                abort(requestId, FinishReason.Abort);
            }
        }
    }

    private static RequestOutput WithText(RequestOutput output, IIncrementalDetokenizer detokenizer, StopStringMatcher? matcher)
    {
        var text = string.Empty;
        foreach (var tokenId in output.NewTokenIds)
        {
            text += detokenizer.Decode(tokenId);
        }

        if (output.FinishReason is not null)
        {
            text += detokenizer.Flush();
        }

        if (matcher is null)
        {
            return output with { Text = text };
        }

        var match = matcher.Push(text);
        if (match.IsStopped)
        {
            return output with { Text = match.Text, FinishReason = FinishReason.Stop, StopString = match.StopString };
        }

        return output with { Text = output.FinishReason is null ? match.Text : match.Text + matcher.Flush() };
    }
}
