using System.Threading.Channels;
using Serving.Sampling;

namespace Serving.Scheduler;

/// <summary>A request's output stream as its consumer sees it: reads the engine's per-request channel and, on the
/// consumer's thread, detokenizes and matches stop strings per choice (STYLE E5: the engine thread never touches text).
/// A stop-string match aborts that choice with <see cref="FinishReason.Stop"/>; an early end of the enumeration aborts
/// the whole request.</summary>
internal sealed class RequestOutputStream(
    string requestId,
    int numChoices,
    ChannelReader<RequestOutput> reader,
    Func<IIncrementalDetokenizer>? createDetokenizer,
    IReadOnlyList<string> stops,
    Action<string, FinishReason, int?> abort) : IAsyncEnumerable<RequestOutput>
{
    private int _enumerated;

    public async IAsyncEnumerator<RequestOutput> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A request's output stream can be enumerated once.");
        }

        var choices = new ChoiceText?[numChoices];
        var finished = new bool[numChoices];
        var numFinished = 0;
        try
        {
            await foreach (var output in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (finished[output.Index])
                {
                    // NOTE: updates the engine made before it saw this choice's stop-string abort.
                    continue;
                }

                var result = output;
                if (createDetokenizer is not null)
                {
                    var text = choices[output.Index] ??= new ChoiceText(createDetokenizer(), stops);
                    result = text.Apply(output);
                }

                if (result.FinishReason is not null)
                {
                    finished[output.Index] = true;
                    numFinished++;
                    if (output.FinishReason is null)
                    {
                        abort(requestId, FinishReason.Stop, output.Index);
                    }
                }

                yield return result;
                if (numFinished == numChoices)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (numFinished < numChoices)
            {
                abort(requestId, FinishReason.Abort, null);
            }
        }
    }

    /// <summary>One choice's detokenizer and stop-string matcher.</summary>
    private sealed class ChoiceText(IIncrementalDetokenizer detokenizer, IReadOnlyList<string> stops)
    {
        private readonly StopStringMatcher? _matcher = stops.Count > 0 ? new StopStringMatcher(stops) : null;

        public RequestOutput Apply(RequestOutput output)
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

            if (_matcher is null)
            {
                return output with { Text = text };
            }

            var match = _matcher.Push(text);
            if (match.IsStopped)
            {
                return output with { Text = match.Text, FinishReason = FinishReason.Stop, StopString = match.StopString };
            }

            return output with { Text = output.FinishReason is null ? match.Text : match.Text + _matcher.Flush() };
        }
    }
}
