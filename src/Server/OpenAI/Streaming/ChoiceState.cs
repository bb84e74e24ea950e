using System.Text;
using Serving.Sampling;
using Serving.Scheduler;
using Serving.Server.Hosting;
using Serving.Server.OpenAI.Contracts;

namespace Serving.Server.OpenAI.Streaming;

/// <summary>What one choice has produced so far: its text, per-token logprobs, token counts and finish reason. Streaming
/// uses it for usage; non-streamed responses are built from it.</summary>
internal sealed class ChoiceState
{
    private readonly StringBuilder _text = new();
    private readonly List<(int TokenId, SampledToken Sample, int TextOffset)> _logprobs = [];

    public int NumPromptTokens { get; private set; }

    public int NumOutputTokens { get; private set; }

    public FinishReason? FinishReason { get; private set; }

    public string Text => _text.ToString();

    public void Add(RequestOutput output)
    {
        if (output.Logprobs is { } logprobs)
        {
            // NOTE: offsets are approximate when a stop string cut the text: the cut tokens keep their logprobs.
            for (var i = 0; i < logprobs.Count; i++)
            {
                _logprobs.Add((output.NewTokenIds[i], logprobs[i], _text.Length));
            }
        }

        _text.Append(output.Text);
        NumPromptTokens = output.NumPromptTokens;
        NumOutputTokens = output.NumOutputTokens;
        FinishReason = output.FinishReason ?? FinishReason;
    }

    /// <summary>Usage of a request whose choices are its prompts × <paramref name="n"/>: each prompt counts once.</summary>
    public static Usage UsageOf(IReadOnlyList<ChoiceState> states, int n)
    {
        var numPromptTokens = 0;
        var numOutputTokens = 0;
        for (var i = 0; i < states.Count; i++)
        {
            numPromptTokens += i % n == 0 ? states[i].NumPromptTokens : 0;
            numOutputTokens += states[i].NumOutputTokens;
        }

        return Usage.Of(numPromptTokens, numOutputTokens);
    }

    /// <summary>OpenAI's spelling of a finish reason (<c>abort</c> is vLLM's, for requests cut short).</summary>
    public static string? ToWire(FinishReason? reason) => reason switch
    {
        null => null,
        Sampling.FinishReason.Stop => "stop",
        Sampling.FinishReason.Length => "length",
        _ => "abort",
    };

    /// <summary>Chat-API logprobs of <paramref name="output"/>'s tokens (null when none were asked for).</summary>
    public static ChatLogprobs? ChatLogprobsOf(RequestOutput output, ServedModel model) =>
        output.Logprobs is { } logprobs ? new ChatLogprobs([.. logprobs.Select(s => ChatEntry(s, model))]) : null;

    public ChatLogprobs? BuildChatLogprobs(ServedModel model, bool asked) =>
        asked ? new ChatLogprobs([.. _logprobs.Select(l => ChatEntry(l.Sample, model))]) : null;

    public CompletionLogprobs? BuildCompletionLogprobs(ServedModel model, bool asked) =>
        asked ? CompletionEntries(model, _logprobs) : null;

    public static CompletionLogprobs? CompletionLogprobsOf(RequestOutput output, ServedModel model, int textOffset) =>
        output.Logprobs is { } logprobs
            ? CompletionEntries(model, [.. logprobs.Select((s, i) => (output.NewTokenIds[i], s, textOffset))])
            : null;

    private static ChatTokenLogprob ChatEntry(SampledToken sample, ServedModel model)
    {
        var token = model.TokenPiece(sample.TokenId);
        var top = sample.TopLogprobs?.Select(t =>
        {
            var piece = model.TokenPiece(t.TokenId);
            return new ChatTopLogprob(piece, t.Logprob, Encoding.UTF8.GetBytes(piece));
        }).ToList() ?? [];
        return new ChatTokenLogprob(token, sample.Logprob, Encoding.UTF8.GetBytes(token), top);
    }

    private static CompletionLogprobs CompletionEntries(ServedModel model, List<(int TokenId, SampledToken Sample, int TextOffset)> entries)
    {
        var tops = new List<IReadOnlyDictionary<string, float>>(entries.Count);
        foreach (var (_, sample, _) in entries)
        {
            var top = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var alternative in sample.TopLogprobs ?? [])
            {
                // Two ids can share a piece; the first (most likely) keeps the key, as a JSON object cannot repeat it.
                top.TryAdd(model.TokenPiece(alternative.TokenId), alternative.Logprob);
            }

            tops.Add(top);
        }

        return new CompletionLogprobs(
            [.. entries.Select(e => model.TokenPiece(e.TokenId))],
            [.. entries.Select(e => e.Sample.Logprob)],
            tops,
            [.. entries.Select(e => e.TextOffset)]);
    }
}
