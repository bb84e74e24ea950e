using System.Text.Json;
using Serving.LoadTests.Reports;
using Serving.LoadTests.Running;
using Serving.LoadTests.Scenarios;

namespace Serving.LoadTests.Cli;

/// <summary>The <c>run</c> command: builds a <see cref="ScenarioConfig"/> from --config and/or flags, runs it, prints where the reports are.</summary>
internal static class RunCommand
{
    public const string Usage = """
        usage: Serving.LoadTests run --base-url URL --load SPEC --out DIR [options]
          --base-url URL          server root or its /v1
          --load SPEC[,SPEC...]   keep-constant:USERS | inject:RATE_PER_S[:poisson|constant] | ramping-inject:RATE
                                  | ramping-constant:USERS | iterations:COUNT[:USERS]; SPEC@30s sets that step's duration
          --config FILE           JSON scenario (flags given as well override it)
          --duration 30s  --warmup 0s  --model NAME (default: first of /v1/models)  --api-key KEY (default: $OPENAI_API_KEY)
          --prompt-tokens N|uniform:MIN:MAX|normal:MEAN:SD   --max-tokens (same forms)   --shared-prefix-tokens K
          --dataset FILE  --chat  --stream true|false  --ignore-eos true|false  --temperature T  --seed S
          --slo-ttft-ms X  --slo-tpot-ms Y  --abort-fraction F  --abort-after-chunks N
          --drain-timeout 30s  --request-timeout 120s  --max-in-flight N  --no-metrics  --no-progress
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ScenarioConfig scenario;
        try
        {
            scenario = Parse(new CliOptions(args));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException or IOException)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            var result = await new LoadTestRunner(TimeProvider.System, output).RunAsync(scenario, cancellationToken).ConfigureAwait(false);
            var report = result.Report;
            await output.WriteLineAsync(FormattableString.Invariant(
                $"{report.Requests.Ok} ok, {report.Requests.Failed} failed, {report.Requests.Aborted} aborted in {report.DurationS:0.##} s; {report.RequestPerS:0.###} req/s, {report.OutputTokS:0.#} output tok/s, goodput {report.GoodputPerS:0.###} req/s; TTFT p50 {report.TtftMs?.P50:0.#} ms")).ConfigureAwait(false);
            await output.WriteLineAsync($"reports: {Path.GetFullPath(scenario.OutDir)}").ConfigureAwait(false);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    internal static ScenarioConfig Parse(CliOptions options)
    {
        var scenario = options.String("config") is { } file
            ? JsonSerializer.Deserialize(File.ReadAllText(file), ReportJsonContext.Default.ScenarioConfig)
                ?? throw new ArgumentException($"--config {file}: empty")
            : null;
        var duration = options.Duration("duration") ?? TimeSpan.FromSeconds(30);
        var baseUrl = options.String("base-url") ?? scenario?.BaseUrl ?? throw new ArgumentException("--base-url is required");
        var load = options.String("load") is { } spec
            ? spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => ParseStep(s, duration)).ToList()
            : scenario?.Load ?? throw new ArgumentException("--load is required");
        scenario ??= new ScenarioConfig { BaseUrl = baseUrl, Load = load };
        var workload = scenario.Workload;
        workload = workload with
        {
            Chat = options.Bool("chat") ?? workload.Chat,
            Stream = options.Bool("stream") ?? workload.Stream,
            PromptTokens = options.String("prompt-tokens") is { } prompt ? LengthDistribution.Parse(prompt) : workload.PromptTokens,
            MaxTokens = options.String("max-tokens") is { } max ? LengthDistribution.Parse(max) : workload.MaxTokens,
            SharedPrefixTokens = options.Int("shared-prefix-tokens") ?? workload.SharedPrefixTokens,
            IgnoreEos = options.Bool("ignore-eos") ?? workload.IgnoreEos,
            Temperature = options.Double("temperature") ?? workload.Temperature,
            Dataset = options.String("dataset") ?? workload.Dataset,
        };
        scenario = scenario with
        {
            BaseUrl = baseUrl,
            Load = load,
            Workload = workload,
            ApiKey = options.String("api-key") ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY"),
            Model = options.String("model") ?? scenario.Model,
            Warmup = options.Duration("warmup") ?? scenario.Warmup,
            SloTtftMs = options.Double("slo-ttft-ms") ?? scenario.SloTtftMs,
            SloTpotMs = options.Double("slo-tpot-ms") ?? scenario.SloTpotMs,
            Seed = options.Int("seed") ?? scenario.Seed,
            AbortFraction = options.Double("abort-fraction") ?? scenario.AbortFraction,
            AbortAfterChunks = options.Int("abort-after-chunks") ?? scenario.AbortAfterChunks,
            DrainTimeout = options.Duration("drain-timeout") ?? scenario.DrainTimeout,
            RequestTimeout = options.Duration("request-timeout") ?? scenario.RequestTimeout,
            MaxInFlight = options.Int("max-in-flight") ?? scenario.MaxInFlight,
            ScrapeMetrics = !(options.Bool("no-metrics") ?? false) && scenario.ScrapeMetrics,
            Progress = !(options.Bool("no-progress") ?? false),
            OutDir = options.String("out") ?? throw new ArgumentException("--out is required"),
        };
        options.ThrowIfUnused();
        Validate(scenario);
        return scenario;
    }

    private static LoadSimulation ParseStep(string spec, TimeSpan duration)
    {
        var at = spec.IndexOf('@', StringComparison.Ordinal);
        return at < 0
            ? LoadSimulation.Parse(spec, duration)
            : LoadSimulation.Parse(spec[..at], DurationJsonConverter.Parse(spec[(at + 1)..]));
    }

    private static void Validate(ScenarioConfig scenario)
    {
        if (scenario.AbortFraction is < 0 or > 1)
        {
            throw new ArgumentException("--abort-fraction must be within [0, 1]");
        }

        if (scenario.AbortFraction > 0 && !scenario.Workload.Stream)
        {
            throw new ArgumentException("--abort-fraction needs streaming (the client drops a stream after its first tokens)");
        }

        if (scenario.Load.Any(s => s.During <= TimeSpan.Zero))
        {
            throw new ArgumentException("every load step needs a positive duration");
        }

        if (scenario.Workload.SharedPrefixTokens < 0)
        {
            throw new ArgumentException("--shared-prefix-tokens must be >= 0");
        }
    }
}
