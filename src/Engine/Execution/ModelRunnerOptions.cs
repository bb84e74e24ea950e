using System.ComponentModel.DataAnnotations;

namespace Serving.Engine.Execution;

/// <summary>How a <see cref="ModelRunner"/> sizes its KV cache and computes.</summary>
public sealed record ModelRunnerOptions
{
    /// <summary>Blocks in the KV-cache pool; capacity is <c>NumBlocks * BlockSize</c> tokens over all sequences.</summary>
    [Range(1, int.MaxValue)]
    public required int NumBlocks { get; init; }

    /// <summary>Tokens per KV-cache block (vLLM's default is 16).</summary>
    [Range(1, 1024)]
    public int BlockSize { get; init; } = 16;

    public KVCacheDataType KVCacheDataType { get; init; } = KVCacheDataType.F16;

    /// <summary>Compute threads including the caller's (one worker pool per runner).</summary>
    [Range(1, 1024)]
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Multiply with exactly dequantized weights and float activations (<c>MatMul.MultiplyExact</c>) instead of
    /// llama.cpp's 8-bit-rounded activations: slower, for reference checks.</summary>
    public bool ExactWeights { get; init; }
}
