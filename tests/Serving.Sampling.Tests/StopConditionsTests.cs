namespace Serving.Sampling.Tests;

public class StopConditionsTests
{
    private const int VocabSize = 10;
    private const int Eos = 2;
    private static readonly int[] EosTokenIds = [Eos];

    private static FinishReason? AppendAndCheck(SamplingParams parameters, params int[] tokens)
    {
        var state = new SequenceSamplingState(parameters, [1, 1], VocabSize);
        FinishReason? reason = null;
        foreach (var token in tokens)
        {
            state.Append(token);
            reason = StopConditions.Check(token, parameters, state, EosTokenIds);
        }

        return reason;
    }

    [Fact]
    public void Check_OrdinaryToken_KeepsGoing() =>
        Assert.Null(AppendAndCheck(new SamplingParams { MaxTokens = 5 }, 3, 4));

    [Fact]
    public void Check_Eos_Stop() =>
        Assert.Equal(FinishReason.Stop, AppendAndCheck(new SamplingParams(), 3, Eos));

    [Fact]
    public void Check_EosWithIgnoreEos_KeepsGoing() =>
        Assert.Null(AppendAndCheck(new SamplingParams { IgnoreEos = true }, 3, Eos));

    [Fact]
    public void Check_StopTokenId_Stop() =>
        Assert.Equal(FinishReason.Stop, AppendAndCheck(new SamplingParams { StopTokenIds = [7] }, 7));

    [Fact]
    public void Check_StopTokenIdWithIgnoreEos_StillStops() =>
        Assert.Equal(FinishReason.Stop, AppendAndCheck(new SamplingParams { StopTokenIds = [7], IgnoreEos = true }, 7));

    [Fact]
    public void Check_MaxTokensReached_Length()
    {
        var parameters = new SamplingParams { MaxTokens = 3 };
        Assert.Null(AppendAndCheck(parameters, 3, 4));
        Assert.Equal(FinishReason.Length, AppendAndCheck(parameters, 3, 4, 5));
    }

    [Fact]
    public void Check_EosOnLastAllowedToken_StopWinsOverLength() =>
        Assert.Equal(FinishReason.Stop, AppendAndCheck(new SamplingParams { MaxTokens = 2 }, 3, Eos));

    [Fact]
    public void Check_EosBeforeMinTokens_KeepsGoing()
    {
        var parameters = new SamplingParams { MinTokens = 3, StopTokenIds = [7] };
        Assert.Null(AppendAndCheck(parameters, Eos, 7));
        Assert.Equal(FinishReason.Stop, AppendAndCheck(parameters, Eos, 7, Eos));
    }
}
