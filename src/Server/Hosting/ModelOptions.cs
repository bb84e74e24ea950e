using System.ComponentModel.DataAnnotations;
using Serving.Engine.Execution;

namespace Serving.Server.Hosting;

/// <summary>Which model to serve and how big its KV cache is, bound from the <c>Engine</c> configuration section.</summary>
internal sealed class ModelOptions
{
    public const string SectionName = "Engine";

    /// <summary>The GGUF file (<c>--model</c>).</summary>
    [Required(ErrorMessage = "Engine:ModelPath is required: pass --model PATH to a .gguf file.")]
    public string ModelPath { get; set; } = "";

    /// <summary>Size of the KV-cache pool in MiB (<c>--kv-cache-mb</c>); the pool holds <c>NumBlocks × BlockSize</c> tokens.</summary>
    [Range(1, 1 << 20)]
    public int KVCacheMB { get; set; } = 256;

    /// <summary>Element type of the KV cache (<c>--kv-cache-dtype f16|f32</c>).</summary>
    public KVCacheDataType KVCacheDataType { get; set; } = KVCacheDataType.F16;

    /// <summary>Tokens per KV-cache block.</summary>
    [Range(1, 256)]
    public int BlockSize { get; set; } = 16;

    /// <summary>Compute threads; 0 uses every core.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }
}
