namespace Serving.Sampling.Tests;

public class SamplingParamsTests
{
    private const int VocabSize = 100;

    public static TheoryData<SamplingParams, string> InvalidParams => new()
    {
        { new SamplingParams { Temperature = -0.1f }, "temperature" },
        { new SamplingParams { Temperature = float.NaN }, "temperature" },
        { new SamplingParams { Temperature = float.PositiveInfinity }, "temperature" },
        { new SamplingParams { TopK = -2 }, "top_k" },
        { new SamplingParams { TopP = 0f }, "top_p" },
        { new SamplingParams { TopP = 1.01f }, "top_p" },
        { new SamplingParams { TopP = float.NaN }, "top_p" },
        { new SamplingParams { MinP = -0.01f }, "min_p" },
        { new SamplingParams { MinP = 1.5f }, "min_p" },
        { new SamplingParams { RepetitionPenalty = 0f }, "repetition_penalty" },
        { new SamplingParams { RepetitionPenalty = float.NaN }, "repetition_penalty" },
        { new SamplingParams { PresencePenalty = 2.5f }, "presence_penalty" },
        { new SamplingParams { FrequencyPenalty = -2.5f }, "frequency_penalty" },
        { new SamplingParams { MaxTokens = 0 }, "max_tokens" },
        { new SamplingParams { MinTokens = -1 }, "min_tokens" },
        { new SamplingParams { MaxTokens = 4, MinTokens = 5 }, "min_tokens" },
        { new SamplingParams { Logprobs = -1 }, "logprobs" },
        { new SamplingParams { Logprobs = 21 }, "logprobs" },
        { new SamplingParams { LogitBias = new Dictionary<int, float> { [VocabSize] = 1f } }, "logit_bias" },
        { new SamplingParams { LogitBias = new Dictionary<int, float> { [-1] = 1f } }, "logit_bias" },
        { new SamplingParams { LogitBias = new Dictionary<int, float> { [3] = 100.5f } }, "logit_bias" },
        { new SamplingParams { LogitBias = new Dictionary<int, float> { [3] = float.NaN } }, "logit_bias" },
        { new SamplingParams { StopTokenIds = [VocabSize] }, "stop_token_ids" },
        { new SamplingParams { Stop = [""] }, "stop" },
        { new SamplingParams { Stop = null! }, "stop" },
        { new SamplingParams { StopTokenIds = null! }, "stop_token_ids" },
    };

    [Theory]
    [MemberData(nameof(InvalidParams))]
    public void Validate_OutOfRange_ThrowsNamingTheField(SamplingParams parameters, string expectedParam)
    {
        var error = Assert.Throws<SamplingParamsException>(() => parameters.Validate(VocabSize));
        Assert.Equal(expectedParam, error.Param);
        Assert.Equal(expectedParam, error.ParamName);
        Assert.StartsWith(expectedParam, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BiasBansEveryToken_Throws()
    {
        var parameters = new SamplingParams
        {
            LogitBias = Enumerable.Range(0, 3).ToDictionary(id => id, _ => -100f),
        };

        Assert.Equal("logit_bias", Assert.Throws<SamplingParamsException>(() => parameters.Validate(3)).Param);
        parameters.Validate(4);
    }

    [Fact]
    public void Validate_BoundaryValues_Accepted()
    {
        new SamplingParams().Validate(VocabSize);
        new SamplingParams
        {
            Temperature = 0f,
            TopK = -1,
            TopP = 1f,
            MinP = 1f,
            RepetitionPenalty = 0.5f,
            PresencePenalty = -2f,
            FrequencyPenalty = 2f,
            MaxTokens = 1,
            MinTokens = 1,
            Logprobs = 20,
            Seed = long.MinValue,
            LogitBias = new Dictionary<int, float> { [0] = -100f, [VocabSize - 1] = 100f },
            StopTokenIds = [0, VocabSize - 1],
            Stop = ["x"],
        }.Validate(VocabSize);
        new SamplingParams { TopK = 0, Logprobs = 0, TopP = 1e-6f }.Validate(VocabSize);
    }

    [Theory]
    [InlineData(0f, 0, true)]
    [InlineData(0.9e-5f, 0, true)]
    [InlineData(1e-5f, 0, false)]
    [InlineData(0.7f, 1, true)]
    [InlineData(0.7f, 0, false)]
    [InlineData(0.7f, -1, false)]
    [InlineData(0.7f, 2, false)]
    public void IsGreedy_TemperatureZeroOrTopKOne(float temperature, int topK, bool expected)
    {
        Assert.Equal(expected, new SamplingParams { Temperature = temperature, TopK = topK }.IsGreedy);
    }
}
