namespace Serving.Sampling.Tests;

public class SamplerTests
{
    // Chi-square critical values at alpha = 0.001 by degrees of freedom (standard table).
    private static readonly double[] ChiSquareCritical = [double.NaN, 10.828, 13.816, 16.266, 18.467, 20.515];

    private static SampledToken SampleOnce(float[] logits, SamplingParams parameters, int[]? prompt = null,
        int[]? eosTokenIds = null)
    {
        var state = new SequenceSamplingState(parameters, prompt ?? [], logits.Length);
        return new Sampler(logits.Length, eosTokenIds ?? []).Sample(logits, parameters, state);
    }

    /// <summary>Draws <paramref name="numDraws"/> tokens from the same logits row at steps 0, 1, 2, ...</summary>
    private static int[] DrawCounts(float[] logits, SamplingParams parameters, int numDraws)
    {
        var sampler = new Sampler(logits.Length, []);
        var state = new SequenceSamplingState(parameters, [], logits.Length);
        var counts = new int[logits.Length];
        for (var t = 0; t < numDraws; t++)
        {
            var token = sampler.Sample(logits, parameters, state).TokenId;
            counts[token]++;
            state.Append(token);
        }

        return counts;
    }

    /// <summary>Independent reference (double precision, full sort): the distribution the draw must follow.</summary>
    private static double[] ReferenceDistribution(float[] logits, double temperature, int topK = 0, double topP = 1,
        double minP = 0)
    {
        var max = logits.Max();
        var weights = logits.Select(z => Math.Exp((z - max) / temperature)).ToArray();
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => weights[i]).ThenBy(i => i).ToList();
        if (topK > 0)
        {
            order = order.Take(topK).ToList();
        }

        var total = order.Sum(i => weights[i]);
        var kept = new List<int>();
        var cumulative = 0.0;
        foreach (var id in order)
        {
            kept.Add(id);
            cumulative += weights[id];
            if (cumulative >= topP * total)
            {
                break;
            }
        }

        kept = kept.Where(id => weights[id] >= minP * weights[order[0]]).ToList();
        var keptTotal = kept.Sum(i => weights[i]);
        var probabilities = new double[logits.Length];
        foreach (var id in kept)
        {
            probabilities[id] = weights[id] / keptTotal;
        }

        return probabilities;
    }

    private static void AssertFollows(double[] expected, int[] counts)
    {
        var numDraws = counts.Sum();
        var chiSquare = 0.0;
        var numBins = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] == 0)
            {
                Assert.True(counts[i] == 0, $"token {i} has probability 0 but was drawn {counts[i]} times");
                continue;
            }

            var e = expected[i] * numDraws;
            chiSquare += (counts[i] - e) * (counts[i] - e) / e;
            numBins++;
        }

        var critical = ChiSquareCritical[numBins - 1];
        Assert.True(chiSquare < critical, $"chi-square {chiSquare:F2} >= {critical} (df {numBins - 1})");
    }

    [Fact]
    public void Sample_TemperatureZeroOrTopKOne_EqualsArgmax()
    {
        var random = new System.Random(42);
        var sampler = new Sampler(1000, []);
        for (var row = 0; row < 20; row++)
        {
            var logits = Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() * 10)).ToArray();
            var argmax = Array.IndexOf(logits, logits.Max());
            foreach (var parameters in new[]
                     {
                         new SamplingParams { Temperature = 0f, Seed = row },
                         new SamplingParams { Temperature = 1.5f, TopK = 1, Seed = row },
                     })
            {
                var state = new SequenceSamplingState(parameters, [], 1000);
                Assert.Equal(argmax, sampler.Sample(logits, parameters, state).TokenId);
            }
        }
    }

    [Fact]
    public void Sample_Greedy_TieGoesToLowestId()
    {
        Assert.Equal(1, SampleOnce([0f, 5f, 5f, 1f], new SamplingParams { Temperature = 0f }).TokenId);
    }

    [Theory]
    [InlineData(1.0f)]
    [InlineData(0.7f)]
    [InlineData(1.8f)]
    public void Sample_Temperature_FollowsSoftmaxByChiSquare(float temperature)
    {
        float[] logits = [1f, 2f, 0.5f, -1f, 3f];
        var parameters = new SamplingParams { Temperature = temperature, Seed = 42 };
        AssertFollows(ReferenceDistribution(logits, temperature), DrawCounts(logits, parameters, 20_000));
    }

    [Theory]
    [InlineData(0.8f, 3, 1f, 0f)]
    [InlineData(1.0f, 0, 0.8f, 0f)]
    [InlineData(1.3f, 4, 0.9f, 0.1f)]
    [InlineData(1.0f, 0, 1f, 0.2f)]
    public void Sample_Truncation_FollowsRenormalizedDistributionByChiSquare(float temperature, int topK, float topP,
        float minP)
    {
        float[] logits = [1f, 2f, 0.5f, -1f, 3f, 2.5f, -2f, 0f];
        var parameters = new SamplingParams { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, Seed = 7 };
        var expected = ReferenceDistribution(logits, temperature, topK, topP, minP);
        Assert.InRange(expected.Count(p => p > 0), 2, 6);
        AssertFollows(expected, DrawCounts(logits, parameters, 20_000));
    }

    [Fact]
    public void Sample_FullVocabularyAcrossChunks_FollowsSoftmaxByChiSquare()
    {
        // Live tokens sit on both sides of the 4096-token chunk boundaries of the full-vocabulary draw.
        var logits = Enumerable.Repeat(float.NegativeInfinity, 9000).ToArray();
        int[] live = [0, 4095, 4096, 8191, 8999];
        for (var i = 0; i < live.Length; i++)
        {
            logits[live[i]] = 0.4f * i;
        }

        AssertFollows(ReferenceDistribution(logits, 1.0), DrawCounts(logits, new SamplingParams { Seed = 3 }, 20_000));
    }

    [Fact]
    public void Sample_TopPWithoutTopKLargeVocabulary_FollowsNucleusByChiSquare()
    {
        // 5000 tokens: a long flat tail under five heavy ones; cumulative mass .37 .59 .75 .89 .97, so 0.8 keeps four.
        var logits = Enumerable.Repeat(-8f, 5000).ToArray();
        logits[17] = 3f;
        logits[1234] = 2.5f;
        logits[2500] = 2f;
        logits[4999] = 2.2f;
        logits[4000] = 1.5f;
        var parameters = new SamplingParams { TopP = 0.8f, Seed = 11 };
        var expected = ReferenceDistribution(logits, 1.0, topP: 0.8);
        Assert.Equal(4, expected.Count(p => p > 0));
        AssertFollows(expected, DrawCounts(logits, parameters, 20_000));
    }

    [Fact]
    public void Sample_LargeTopK_DropsEverythingOutsideTheTopK()
    {
        // k = 1500 of 3000 (above the scalar-weights limit); logits ascend, so ids below 1500 must never be drawn.
        var logits = Enumerable.Range(0, 3000).Select(i => i / 1000f).ToArray();
        var counts = DrawCounts(logits, new SamplingParams { TopK = 1500, Seed = 5 }, 3000);
        Assert.Equal(0, counts[..1500].Sum());
        Assert.Equal(3000, counts[1500..].Sum());
    }

    [Fact]
    public void Sample_TopKAppliedBeforeTopP_MassMeasuredOnTopKSet()
    {
        // p = [.4 .3 .2 .1]. Top-p 0.5 alone keeps {0, 1}; after top-k 2 the set renormalizes to [4/7 3/7] and keeps {0}.
        float[] logits = [MathF.Log(0.4f), MathF.Log(0.3f), MathF.Log(0.2f), MathF.Log(0.1f)];
        var alone = DrawCounts(logits, new SamplingParams { TopP = 0.5f, Seed = 1 }, 2000);
        var afterTopK = DrawCounts(logits, new SamplingParams { TopK = 2, TopP = 0.5f, Seed = 1 }, 2000);
        Assert.True(alone[0] > 0 && alone[1] > 0 && alone[2] == 0 && alone[3] == 0);
        Assert.Equal([2000, 0, 0, 0], afterTopK);
    }

    [Fact]
    public void Sample_TemperatureAppliedBeforeTopP_NucleusOfTemperedDistribution()
    {
        // p = [.5 .3 .2]: top-p 0.6 keeps {0, 1} at T = 1, but at T = 0.1 token 0 alone carries > 0.99.
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
        var warm = DrawCounts(logits, new SamplingParams { TopP = 0.6f, Seed = 2 }, 2000);
        var cold = DrawCounts(logits, new SamplingParams { Temperature = 0.1f, TopP = 0.6f, Seed = 2 }, 2000);
        Assert.True(warm[0] > 0 && warm[1] > 0 && warm[2] == 0);
        Assert.Equal([2000, 0, 0], cold);
    }

    [Fact]
    public void Sample_MinP_DropsTokensBelowFractionOfTheMax()
    {
        // p = [.5 .3 .2], min_p 0.5: threshold 0.25 keeps {0, 1}, renormalized to [0.625 0.375].
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
        var counts = DrawCounts(logits, new SamplingParams { MinP = 0.5f, Seed = 4 }, 10_000);
        AssertFollows([0.625, 0.375, 0], counts);
    }

    [Fact]
    public void Sample_BiasMinus100_NeverDrawnEvenWhenDominant()
    {
        float[] logits = [1e6f, 0f, 0f, -1f];
        var bias = new Dictionary<int, float> { [0] = -100f };
        var counts = DrawCounts(logits, new SamplingParams { LogitBias = bias, Seed = 9 }, 2000);
        Assert.Equal(0, counts[0]);
        Assert.Equal(1, SampleOnce(logits, new SamplingParams { Temperature = 0f, LogitBias = bias }).TokenId);
    }

    [Fact]
    public void Sample_MinTokens_MasksEosAndStopIdsUntilReached()
    {
        // EOS (0) and stop id (1) are the two most likely tokens; greedy must avoid them for the first 2 tokens.
        float[] logits = [5f, 4f, 3f, 0f];
        var parameters = new SamplingParams { Temperature = 0f, MinTokens = 2, StopTokenIds = [1] };
        var sampler = new Sampler(4, [0]);
        var state = new SequenceSamplingState(parameters, [], 4);
        var tokens = new List<int>();
        for (var t = 0; t < 3; t++)
        {
            tokens.Add(sampler.Sample(logits, parameters, state).TokenId);
            state.Append(tokens[^1]);
        }

        Assert.Equal([2, 2, 0], tokens);
    }

    [Fact]
    public void Sample_MinTokensWithIgnoreEos_EosNotMasked()
    {
        var parameters = new SamplingParams { Temperature = 0f, MinTokens = 2, IgnoreEos = true };
        Assert.Equal(0, SampleOnce([5f, 4f, 3f], parameters, eosTokenIds: [0]).TokenId);
    }

    [Fact]
    public void Sample_RepetitionPenalty_OverPromptTokens()
    {
        // Prompt holds token 0: 2 / 2 = 1 < 1.5, so greedy moves to token 2; token 1 (-1, unseen) is untouched.
        float[] logits = [2f, -1f, 1.5f];
        var parameters = new SamplingParams { Temperature = 0f, RepetitionPenalty = 2f, Logprobs = 0 };
        var sampled = SampleOnce(logits, parameters, prompt: [0, 0]);
        Assert.Equal(2, sampled.TokenId);
        Assert.Equal(0, SampleOnce(logits, new SamplingParams { Temperature = 0f }, prompt: [0, 0]).TokenId);
    }

    [Fact]
    public void Sample_FrequencyAndPresence_OverGeneratedTokensOnly()
    {
        // Token 1 is in the prompt but not penalized; token 0 after being generated once: 2 - (1 * 0.4 + 0.3) = 1.3 < 1.5.
        float[] logits = [2f, 1.5f, 0f];
        var parameters = new SamplingParams { Temperature = 0f, FrequencyPenalty = 0.4f, PresencePenalty = 0.3f };
        var sampler = new Sampler(3, []);
        var state = new SequenceSamplingState(parameters, [1, 1, 1], 3);
        Assert.Equal(0, sampler.Sample(logits, parameters, state).TokenId);
        state.Append(0);
        Assert.Equal(1, sampler.Sample(logits, parameters, state).TokenId);
    }

    [Fact]
    public void Sample_NeutralPenalties_LogprobsUnchanged()
    {
        float[] logits = [1f, 2f, 3f, 0f];
        var plain = SampleOnce(logits, new SamplingParams { Temperature = 0f, Logprobs = 4 }, prompt: [2, 1]);
        var neutral = SampleOnce(logits, new SamplingParams
        {
            Temperature = 0f,
            Logprobs = 4,
            RepetitionPenalty = 1f,
            PresencePenalty = 0f,
            FrequencyPenalty = 0f,
        }, prompt: [2, 1]);
        Assert.Equal(plain.TopLogprobs, neutral.TopLogprobs);
    }

    [Fact]
    public void Sample_BiasAppliedBeforePenalties_HandComputed()
    {
        // Token 0: (-1 + 4) / 2 = 1.5 (penalty after bias); the other order would give -1 * 2 + 4 = 2.
        float[] logits = [-1f, 0f];
        var parameters = new SamplingParams
        {
            Temperature = 0f,
            RepetitionPenalty = 2f,
            LogitBias = new Dictionary<int, float> { [0] = 4f },
            Logprobs = 2,
        };
        var top = SampleOnce(logits, parameters, prompt: [0]).TopLogprobs!;
        Assert.Equal(0, top[0].TokenId);
        Assert.Equal(1.5f, top[0].Logprob - top[1].Logprob, 1e-5f);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1000f)]
    public void Sample_Logprobs_HandComputedAndStableForLargeLogits(float offset)
    {
        // log(e^0 + e^1 + e^2 + e^3) = 3.4401896985611953; temperature must not change reported logprobs.
        float[] logits = [1f + offset, 2f + offset, 3f + offset, 0f + offset];
        var sampled = SampleOnce(logits, new SamplingParams { Temperature = 0.5f, Logprobs = 3, Seed = 1 });
        float[] expected = [-2.4401897f, -1.4401897f, -0.4401897f, -3.4401897f];
        Assert.Equal(expected[sampled.TokenId], sampled.Logprob, 1e-4f);
        Assert.Equal([2, 1, 0], sampled.TopLogprobs!.Select(t => t.TokenId));
        Assert.Equal([-0.4401897f, -1.4401897f, -2.4401897f], sampled.TopLogprobs!.Select(t => t.Logprob),
            new FloatTolerance(1e-4f));
    }

    [Fact]
    public void Sample_LogprobsOffOrZero_NoAlternatives()
    {
        float[] logits = [1f, 2f, 3f, 0f];
        var off = SampleOnce(logits, new SamplingParams { Temperature = 0f });
        Assert.True(float.IsNaN(off.Logprob));
        Assert.Null(off.TopLogprobs);
        var zero = SampleOnce(logits, new SamplingParams { Temperature = 0f, Logprobs = 0 });
        Assert.Equal(-0.4401897f, zero.Logprob, 1e-5f);
        Assert.Empty(zero.TopLogprobs!);
    }

    [Fact]
    public void Sample_LogprobsMoreThanVocabulary_ListsWholeVocabulary()
    {
        var sampled = SampleOnce([0f, 1f], new SamplingParams { Logprobs = 20, Seed = 1 });
        Assert.Equal([1, 0], sampled.TopLogprobs!.Select(t => t.TokenId));
    }

    [Fact]
    public void Sample_NaNLogits_TreatedAsMinusInfinity()
    {
        float[] logits = [float.NaN, 1f, 2f, float.NaN];
        Assert.Equal(2, SampleOnce(logits, new SamplingParams { Temperature = 0f }).TokenId);
        var counts = DrawCounts(logits, new SamplingParams { Seed = 6 }, 1000);
        Assert.Equal(0, counts[0] + counts[3]);
        Assert.True(counts[1] > 0 && counts[2] > 0);
    }

    [Fact]
    public void Sample_PositiveInfinityLogits_DrawnUniformlyAmongThem()
    {
        float[] logits = [1f, float.PositiveInfinity, 2f, float.PositiveInfinity];
        var counts = DrawCounts(logits, new SamplingParams { Seed = 8 }, 10_000);
        AssertFollows([0, 0.5, 0, 0.5], counts);
    }

    [Fact]
    public void Sample_NoFiniteLogit_Throws()
    {
        float[] logits = [float.NaN, float.NegativeInfinity];
        Assert.Throws<InvalidOperationException>(() => SampleOnce(logits, new SamplingParams()));
    }

    [Fact]
    public void Sample_SameSeed_SameTokensAloneOrInterleavedWithOtherRequests()
    {
        var random = new System.Random(42);
        var rows = Enumerable.Range(0, 50)
            .Select(_ => Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() * 8)).ToArray()).ToArray();
        var parameters = new SamplingParams { Temperature = 0.9f, TopK = 50, TopP = 0.95f, Seed = 1234 };
        var other = new SamplingParams { Temperature = 1.2f, Seed = 99 };

        int[] Run(bool interleave, SamplingParams p)
        {
            var sampler = new Sampler(1000, []);
            var state = new SequenceSamplingState(p, [], 1000);
            var otherState = new SequenceSamplingState(other, [], 1000);
            return [.. rows.Select(row =>
            {
                if (interleave)
                {
                    otherState.Append(sampler.Sample(row, other, otherState).TokenId);
                }

                var token = sampler.Sample(row, p, state).TokenId;
                state.Append(token);
                return token;
            })];
        }

        var alone = Run(false, parameters);
        Assert.Equal(alone, Run(true, parameters));
        Assert.NotEqual(alone, Run(false, parameters with { Seed = 1235 }));
    }

    [Fact]
    public void Sample_RecomputeAfterPreemption_DrawsUnchanged()
    {
        // A preempted request rebuilds its state from the accepted tokens; the draws after that must not move.
        var random = new System.Random(7);
        var rows = Enumerable.Range(0, 30)
            .Select(_ => Enumerable.Range(0, 500).Select(_ => (float)(random.NextDouble() * 6)).ToArray()).ToArray();
        var parameters = new SamplingParams { Seed = null, PresencePenalty = 0.5f };
        var sampler = new Sampler(500, []);
        var original = new SequenceSamplingState(parameters, [3, 4], 500);
        var tokens = new List<int>();
        foreach (var row in rows)
        {
            tokens.Add(sampler.Sample(row, parameters, original).TokenId);
            original.Append(tokens[^1]);
        }

        var resumedParameters = parameters with { Seed = original.Seed };
        var resumed = new SequenceSamplingState(resumedParameters, [3, 4], 500);
        foreach (var token in tokens.Take(20))
        {
            resumed.Append(token);
        }

        var redrawn = rows.Skip(20).Select(row =>
        {
            var token = sampler.Sample(row, resumedParameters, resumed).TokenId;
            resumed.Append(token);
            return token;
        });
        Assert.Equal(tokens.Skip(20), redrawn);
    }

    [Theory]
    [InlineData(32000)]
    [InlineData(151936)]
    public void Sample_PerToken_AllocatesNothing(int vocabSize)
    {
        var random = new System.Random(42);
        var logits = Enumerable.Range(0, vocabSize).Select(_ => (float)(random.NextDouble() * 10)).ToArray();
        var sampler = new Sampler(vocabSize, [2]);
        foreach (var parameters in new[]
                 {
                     new SamplingParams { Temperature = 0f },
                     new SamplingParams { Temperature = 0.8f, Seed = 1 },
                     new SamplingParams { Temperature = 0.8f, TopP = 0.9f, MinP = 0.05f, Seed = 1 },
                     new SamplingParams { Temperature = 0.8f, TopP = 0.95f, Seed = 1 },
                     new SamplingParams { Temperature = 0.8f, MinP = 0.05f, Seed = 1 },
                     new SamplingParams
                     {
                         Temperature = 0.8f, TopK = 50, TopP = 0.9f, RepetitionPenalty = 1.1f, FrequencyPenalty = 0.2f,
                         PresencePenalty = 0.1f, MaxTokens = 1000, MinTokens = 100, StopTokenIds = [5],
                         LogitBias = new Dictionary<int, float> { [7] = -100f, [8] = 2f }, Seed = 1,
                     },
                 })
        {
            var state = new SequenceSamplingState(parameters, [.. Enumerable.Range(0, 500)], vocabSize);
            for (var t = 0; t < 40; t++)
            {
                state.Append(t % 20);
            }

            sampler.Sample(logits, parameters, state);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                sampler.Sample(logits, parameters, state);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
