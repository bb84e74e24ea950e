using System.ComponentModel.DataAnnotations;

namespace Serving.Scheduler;

/// <summary>Scheduling limits (vLLM's scheduler config). Core types take this object, never <c>IOptions</c> (STYLE L8).</summary>
public sealed class SchedulerOptions
{
    /// <summary>Token budget of one step: decode tokens plus prefill chunks (--max-num-batched-tokens).</summary>
    [Range(1, 1 << 20)]
    public int MaxNumBatchedTokens { get; set; } = 2048;

    /// <summary>Most sequences running at once (--max-num-seqs).</summary>
    [Range(1, 1 << 16)]
    public int MaxNumSeqs { get; set; } = 256;

    /// <summary>Most tokens (prompt + generated) one request may span; 0 = limited only by the KV-cache pool. Set it to the
    /// model's context length.</summary>
    [Range(0, int.MaxValue)]
    public int MaxModelLen { get; set; }

    /// <summary>Reuse the KV cache of shared prompt prefixes across requests.</summary>
    public bool EnablePrefixCaching { get; set; } = true;

    /// <summary>Requests accepted but not finished beyond the running ones; more are refused (429, STYLE C2).</summary>
    [Range(1, 1 << 20)]
    public int MaxWaitingRequests { get; set; } = 1024;
}
