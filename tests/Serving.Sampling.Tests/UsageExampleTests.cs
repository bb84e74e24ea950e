using System.Text;

namespace Serving.Sampling.Tests;

/// <summary>The per-request loop a caller (the CLI's generate command, the scheduler) writes around the public API, run
/// against a scripted "model" and a table "detokenizer".</summary>
public class UsageExampleTests
{
    private static readonly string[] Vocab = ["<eos>", "Hel", "lo", " wo", "rld", "!"];
    private static readonly int[] EosTokenIds = [0];

    private static (string Text, FinishReason Finish) Generate(SamplingParams parameters, int[] script)
    {
        var sampler = new Sampler(Vocab.Length, EosTokenIds);                        // one per engine loop
        var state = new SequenceSamplingState(parameters, [1, 2], Vocab.Length);     // one per request; validates
        var stopStrings = new StopStringMatcher(parameters.Stop);
        var logits = new float[Vocab.Length];
        var output = new StringBuilder();
        while (true)
        {
            Array.Fill(logits, 0f);
            logits[script[state.NumGenerated]] = 10f;                                // the model's forward pass
            var token = sampler.Sample(logits, parameters, state).TokenId;
            state.Append(token);
            var finish = StopConditions.Check(token, parameters, state, EosTokenIds);
            var match = stopStrings.Push(finish == FinishReason.Stop ? "" : Vocab[token]);  // EOS / stop ids print nothing
            output.Append(match.Text);
            if (match.IsStopped)
            {
                return (output.ToString(), FinishReason.Stop);
            }

            if (finish is { } reason)
            {
                return (output.Append(stopStrings.Flush()).ToString(), reason);
            }
        }
    }

    [Fact]
    public void Generate_StopStringAcrossTwoTokens_TextBeforeItAndStop()
    {
        var parameters = new SamplingParams { Temperature = 0f, Stop = ["rld!"] };
        Assert.Equal(("Hello wo", FinishReason.Stop), Generate(parameters, [1, 2, 3, 4, 5, 0]));
    }

    [Fact]
    public void Generate_Eos_Stop()
    {
        Assert.Equal(("Hello", FinishReason.Stop), Generate(new SamplingParams { Temperature = 0f }, [1, 2, 0, 3]));
    }

    [Fact]
    public void Generate_MaxTokensWithHeldBackPrefix_LengthAndHeldTextFlushed()
    {
        // " wo" could start the stop string " world" and is held back, then flushed when max_tokens ends the request.
        var parameters = new SamplingParams { Temperature = 0f, MaxTokens = 3, Stop = [" world"] };
        Assert.Equal(("Hello wo", FinishReason.Length), Generate(parameters, [1, 2, 3, 4]));
    }

    [Fact]
    public void Generate_MinTokensMasksEos_GeneratesPastIt()
    {
        // The script puts EOS first; min_tokens 2 masks it, so greedy takes the next best (id 1, "Hel", since the
        // remaining logits tie at 0 and the lowest id wins) twice, then EOS.
        var parameters = new SamplingParams { Temperature = 0f, MinTokens = 2 };
        Assert.Equal(("HelHel", FinishReason.Stop), Generate(parameters, [0, 0, 0]));
    }
}
