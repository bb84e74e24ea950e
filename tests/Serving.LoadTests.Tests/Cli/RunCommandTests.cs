using Serving.LoadTests.Cli;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Tests.Cli;

public class RunCommandTests
{
    [Fact]
    public void Parse_TheDocumentedCommandLine_FillsTheScenario()
    {
        var scenario = RunCommand.Parse(new CliOptions(
        [
            "--base-url", "http://127.0.0.1:8000/v1", "--api-key", "k", "--model", "m", "--load", "keep-constant:4",
            "--duration", "30s", "--warmup", "5s", "--prompt-tokens", "256", "--max-tokens", "uniform:16:64", "--stream", "false",
            "--slo-ttft-ms", "500", "--slo-tpot-ms", "50", "--seed", "7", "--out", "dir",
        ]));

        Assert.Equal("http://127.0.0.1:8000/v1", scenario.BaseUrl);
        Assert.Equal("k", scenario.ApiKey);
        Assert.Equal("m", scenario.Model);
        var load = Assert.Single(scenario.Load);
        Assert.Equal(LoadSimulationKind.KeepConstant, load.Kind);
        Assert.Equal(4, load.Copies);
        Assert.Equal(TimeSpan.FromSeconds(30), load.During);
        Assert.Equal(TimeSpan.FromSeconds(5), scenario.Warmup);
        Assert.Equal(256, scenario.Workload.PromptTokens.Mean);
        Assert.Equal(new LengthDistribution { Kind = LengthDistributionKind.Uniform, Min = 16, Max = 64 }, scenario.Workload.MaxTokens);
        Assert.False(scenario.Workload.Stream);
        Assert.Equal(500, scenario.SloTtftMs);
        Assert.Equal(50, scenario.SloTpotMs);
        Assert.Equal(7, scenario.Seed);
        Assert.Equal("dir", scenario.OutDir);
    }

    [Fact]
    public void Parse_SeveralSteps_EachWithItsDuration()
    {
        var scenario = RunCommand.Parse(new CliOptions(
            ["--base-url", "http://127.0.0.1:1", "--load", "ramping-inject:4@10s,inject:4:constant,iterations:100:8", "--duration", "20s", "--out", "d"]));

        Assert.Equal(
            [
                new LoadSimulation { Kind = LoadSimulationKind.RampingInject, Rate = 4, During = TimeSpan.FromSeconds(10) },
                new LoadSimulation { Kind = LoadSimulationKind.Inject, Rate = 4, During = TimeSpan.FromSeconds(20), Arrival = ArrivalDistribution.Constant },
                new LoadSimulation { Kind = LoadSimulationKind.Iterations, Iterations = 100, Copies = 8, During = TimeSpan.FromSeconds(20) },
            ],
            scenario.Load);
    }

    [Theory]
    [InlineData("--load", "keep-constant:1.5")]
    [InlineData("--load", "burst:3")]
    [InlineData("--duraton", "3s")]
    [InlineData("--abort-fraction", "1.5")]
    [InlineData("--prompt-tokens", "normal:abc:3")]
    public void Parse_BadOption_ThrowsArgumentException(string name, string value)
    {
        var args = new List<string> { "--base-url", "http://127.0.0.1:1", "--load", "inject:1", "--out", "d" };
        var existing = args.IndexOf(name);
        if (existing >= 0)
        {
            args[existing + 1] = value;
        }
        else
        {
            args.AddRange([name, value]);
        }

        Assert.ThrowsAny<ArgumentException>(() => RunCommand.Parse(new CliOptions(args)));
    }

    [Fact]
    public void Parse_ConfigFile_LoadsTheScenarioAndFlagsOverrideIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {
              // comments and trailing commas are allowed
              "base_url": "http://127.0.0.1:9/v1",
              "load": [{ "kind": "ramping-constant", "copies": 6, "during": "15s" }, { "kind": "inject", "rate": 2.5, "during": 60, "arrival": "constant" }],
              "warmup": "2s",
              "workload": { "chat": true, "prompt_tokens": { "kind": "normal", "mean": 100, "std_dev": 10 }, "shared_prefix_tokens": 32 },
              "slo_ttft_ms": 300,
              "seed": 5,
            }
            """);
        try
        {
            var scenario = RunCommand.Parse(new CliOptions(["--config", path, "--seed", "9", "--out", "d"]));

            Assert.Equal("http://127.0.0.1:9/v1", scenario.BaseUrl);
            Assert.Equal(LoadSimulationKind.RampingConstant, scenario.Load[0].Kind);
            Assert.Equal(6, scenario.Load[0].Copies);
            Assert.Equal(TimeSpan.FromSeconds(60), scenario.Load[1].During);
            Assert.Equal(ArrivalDistribution.Constant, scenario.Load[1].Arrival);
            Assert.Equal(TimeSpan.FromSeconds(2), scenario.Warmup);
            Assert.True(scenario.Workload.Chat);
            Assert.Equal(LengthDistributionKind.Normal, scenario.Workload.PromptTokens.Kind);
            Assert.Equal(32, scenario.Workload.SharedPrefixTokens);
            Assert.Equal(300, scenario.SloTtftMs);
            Assert.Equal(9, scenario.Seed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_TheShippedExampleScenario_IsValid()
    {
        var path = FindInRepository(Path.Combine("loadtests", "scenarios", "ramp-then-poisson.json"));
        var scenario = RunCommand.Parse(new CliOptions(["--config", path, "--out", "d"]));

        Assert.Equal([LoadSimulationKind.RampingInject, LoadSimulationKind.Inject], scenario.Load.Select(s => s.Kind));
        Assert.Equal(LengthDistributionKind.Uniform, scenario.Workload.PromptTokens.Kind);
        Assert.Equal(0.05, scenario.AbortFraction);
    }

    [Fact]
    public void Parse_ConfigFileWithMisspeltField_IsRejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "base_url": "http://127.0.0.1:9", "load": [], "seeed": 1 }""");
        try
        {
            Assert.Throws<System.Text.Json.JsonException>(() => RunCommand.Parse(new CliOptions(["--config", path, "--out", "d"])));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string FindInRepository(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relativePath} not found above {AppContext.BaseDirectory}");
    }
}
