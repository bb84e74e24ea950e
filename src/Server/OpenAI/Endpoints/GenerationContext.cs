using Microsoft.Extensions.Options;
using Serving.Scheduler;
using Serving.Server.Hosting;

namespace Serving.Server.OpenAI.Endpoints;

/// <summary>The services both generation endpoints need, injected as one parameter.</summary>
internal sealed class GenerationContext(
    ServedModel model, PromptBuilder prompts, IEngineClient engine, ServingLifecycle lifecycle, EngineHealth health, IOptions<ServerOptions> options, TimeProvider timeProvider)
{
    public ServedModel Model { get; } = model;

    public PromptBuilder Prompts { get; } = prompts;

    public IEngineClient Engine { get; } = engine;

    public ServingLifecycle Lifecycle { get; } = lifecycle;

    public EngineHealth Health { get; } = health;

    public ServerOptions Options { get; } = options.Value;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public long UnixNow => TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>OpenAI-style id: <paramref name="prefix"/> + 32 hex digits.</summary>
    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>One prompt with <paramref name="n"/> choices; the engine forks them after the prompt and samples choice i
    /// with seed + i.</summary>
    public EngineRequest ToEngineRequest(string requestId, int[] promptTokenIds, Sampling.SamplingParams parameters, int n, bool skipSpecialTokens) => new()
    {
        RequestId = requestId,
        PromptTokenIds = promptTokenIds,
        SamplingParams = parameters,
        N = n,
        CreateDetokenizer = TokenizerDetokenizer.Factory(Model.Tokenizer, promptTokenIds, skipSpecialTokens),
    };
}
