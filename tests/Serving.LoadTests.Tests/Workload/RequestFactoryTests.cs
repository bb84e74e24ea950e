using System.Text.Json;
using Serving.LoadTests.Scenarios;
using Serving.LoadTests.Workload;

namespace Serving.LoadTests.Tests.Workload;

public class RequestFactoryTests
{
    private static readonly ScenarioConfig Scenario = new()
    {
        BaseUrl = "http://127.0.0.1:1",
        Load = [new LoadSimulation { Kind = LoadSimulationKind.Inject, Rate = 1 }],
        Workload = new WorkloadConfig { PromptTokens = LengthDistribution.Fixed(40), MaxTokens = LengthDistribution.Fixed(16), SharedPrefixTokens = 10 },
        Seed = 3,
    };

    [Fact]
    public void Create_StreamedCompletion_AsksForUsageIgnoreEosAndMaxTokens()
    {
        var plan = Factory(Scenario).Create(5);
        using var body = JsonDocument.Parse(plan.Body);
        var root = body.RootElement;

        Assert.Equal("m", root.GetProperty("model").GetString());
        Assert.Equal(16, root.GetProperty("max_tokens").GetInt32());
        Assert.True(root.GetProperty("ignore_eos").GetBoolean());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.True(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        // Without calibration one word is taken as one token: 40 words in all.
        Assert.Equal(40, root.GetProperty("prompt").GetString()!.Split(' ').Length);
    }

    [Fact]
    public void Create_SameIndex_SameBody_AndPromptsShareTheirPrefix()
    {
        var factory = Factory(Scenario);
        Assert.Equal(factory.Create(7).Body, Factory(Scenario).Create(7).Body);

        var a = Prompt(factory.Create(1)).Split(' ');
        var b = Prompt(factory.Create(2)).Split(' ');
        Assert.Equal(a[..10], b[..10]);
        Assert.NotEqual(a[10..], b[10..]);
    }

    [Fact]
    public void Create_CalibratedAtTwoTokensPerWord_UsesHalfTheWords()
    {
        var factory = new RequestFactory(Scenario, "m", new PromptFactory(10, tokensPerWord: 2, Scenario.Seed), dataset: null);
        Assert.Equal(20, Prompt(factory.Create(0)).Split(' ').Length);
    }

    [Fact]
    public void Create_AbortFractionHalf_AboutHalfOfManyRequestsAreMarked()
    {
        var factory = Factory(Scenario with { AbortFraction = 0.5 });
        var marked = Enumerable.Range(0, 2000).Count(i => factory.Create(i).AbortAfterChunks == 2);
        // Binomial(2000, 0.5): σ ≈ 22; tolerance ±5% of 1000.
        Assert.InRange(marked, 950, 1050);
    }

    [Fact]
    public void Create_AbortFractionTenthWithLongPrompts_ConsecutiveIndicesAreNotCorrelated()
    {
        // Regression: seeding Random with seed·1000003 + i correlated consecutive requests (here 200 of 1000 marked,
        // and none of 73 in a real run). Binomial(1000, 0.1): σ ≈ 9.5; tolerance ±30.
        var factory = Factory(Scenario with { Seed = 1, AbortFraction = 0.1, Workload = Scenario.Workload with { PromptTokens = LengthDistribution.Fixed(64), SharedPrefixTokens = 0 } });
        var marked = Enumerable.Range(0, 1000).Count(i => factory.Create(i).AbortAfterChunks is not null);
        Assert.InRange(marked, 70, 130);
    }

    [Fact]
    public void Create_Chat_SendsOneUserMessage()
    {
        var plan = Factory(Scenario with { Workload = Scenario.Workload with { Chat = true } }).Create(0);
        using var body = JsonDocument.Parse(plan.Body);
        var message = Assert.Single(body.RootElement.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.True(plan.Chat);
    }

    private static RequestFactory Factory(ScenarioConfig scenario) =>
        new(scenario, "m", new PromptFactory(scenario.Workload.SharedPrefixTokens, 1, scenario.Seed), dataset: null);

    private static string Prompt(RequestPlan plan)
    {
        using var body = JsonDocument.Parse(plan.Body);
        return body.RootElement.GetProperty("prompt").GetString()!;
    }
}
