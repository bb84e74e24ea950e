using Serving.Sampling;
using Serving.Scheduler.Requests;

namespace Serving.Scheduler.Tests;

/// <summary>Request builders with tiny defaults (vLLM's create_requests; STYLE Q2).</summary>
internal static class TestRequests
{
    public const int VocabSize = 1000;

    /// <summary><paramref name="numRequests"/> requests "r0".."rN" of <paramref name="numTokens"/> prompt tokens each;
    /// different requests never share a first block.</summary>
    public static List<Request> Create(int numRequests, int numTokens, int maxTokens = 16)
    {
        var requests = new List<Request>(numRequests);
        for (var r = 0; r < numRequests; r++)
        {
            requests.Add(FromTokens($"r{r}", Prompt(r, numTokens), maxTokens));
        }

        return requests;
    }

    public static Request Create(string requestId, int numTokens, int maxTokens = 16, int seed = 0) =>
        FromTokens(requestId, Prompt(seed, numTokens), maxTokens);

    public static Request FromTokens(string requestId, IReadOnlyList<int> promptTokenIds, int maxTokens = 16, long arrivalTimestamp = 0) =>
        new(requestId, promptTokenIds, new SequenceSamplingState(Greedy(maxTokens), promptTokenIds.ToArray(), VocabSize), arrivalTimestamp);

    public static SamplingParams Greedy(int maxTokens) => new() { Temperature = 0f, MaxTokens = maxTokens };

    /// <summary>Token i of prompt number <paramref name="seed"/>: 1 + (seed * 940 + i) mod 997, never 0 (kept for EOS in tests).</summary>
    public static int[] Prompt(int seed, int numTokens)
    {
        var tokens = new int[numTokens];
        for (var i = 0; i < numTokens; i++)
        {
            tokens[i] = 1 + (((seed * 940) + i) % 997);
        }

        return tokens;
    }
}
