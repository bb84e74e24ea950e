namespace Serving.Sampling.Tests;

public class SequenceSamplingStateTests
{
    [Fact]
    public void Constructor_GivenSeed_Kept()
    {
        Assert.Equal(1234L, new SequenceSamplingState(new SamplingParams { Seed = 1234 }, [], 8).Seed);
    }

    [Fact]
    public void Constructor_NoSeed_DrawsADifferentSeedPerRequest()
    {
        var parameters = new SamplingParams();
        var seeds = Enumerable.Range(0, 8).Select(_ => new SequenceSamplingState(parameters, [], 8).Seed).ToHashSet();
        Assert.Equal(8, seeds.Count);
    }

    [Fact]
    public void Constructor_InvalidParams_ThrowsNamingTheField()
    {
        var error = Assert.Throws<SamplingParamsException>(
            () => new SequenceSamplingState(new SamplingParams { TopP = 2f }, [], 8));
        Assert.Equal("top_p", error.Param);
    }

    [Fact]
    public void Constructor_PromptTokenOutsideVocabulary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new SequenceSamplingState(new SamplingParams { RepetitionPenalty = 1.2f }, [1, 8], 8));
    }

    [Fact]
    public void Append_CountsGeneratedTokens()
    {
        var state = new SequenceSamplingState(new SamplingParams(), [1, 2, 3], 8);
        state.Append(4);
        state.Append(4);
        Assert.Equal(2, state.NumGenerated);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.Append(8));
    }

    [Fact]
    public void Append_PenaltiesOn_TracksPromptAndGeneratedSeparately()
    {
        var parameters = new SamplingParams { RepetitionPenalty = 1.5f, FrequencyPenalty = 0.5f };
        var state = new SequenceSamplingState(parameters, [1, 2, 2], 8);
        state.Append(5);
        state.Append(5);
        state.Append(2);
        Assert.Equal([1, 2, 5], state.SeenTokenIds!.Order());
        Assert.Equal(new Dictionary<int, int> { [5] = 2, [2] = 1 }, state.GeneratedTokenCounts);
    }

    [Fact]
    public void Constructor_PenaltiesOff_TracksNothing()
    {
        var state = new SequenceSamplingState(new SamplingParams(), [1, 2, 2], 8);
        state.Append(3);
        Assert.Null(state.SeenTokenIds);
        Assert.Null(state.GeneratedTokenCounts);
    }
}
