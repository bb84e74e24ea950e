using System.ComponentModel.DataAnnotations;
using Serving.Engine.Execution;

namespace Serving.Server.Hosting;

/// <summary>Which model to serve and how big its KV cache is, bound from the <c>Engine</c> configuration section.</summary>
internal sealed class ModelOptions
{
    public const string SectionName = "Engine";

    /// <summary>The GGUF file (<c>--model</c>): a local path, or <c>hf:OWNER/REPO/FILE.gguf[@REVISION]</c> to download it
    /// from Hugging Face into <see cref="ModelCacheDirectory"/> first.</summary>
    [Required(ErrorMessage = "Engine:ModelPath is required: pass --model PATH to a .gguf file (or hf:OWNER/REPO/FILE.gguf).")]
    public string ModelPath { get; set; } = "";

    /// <summary>Where <c>hf:</c> models are downloaded (<c>--model-cache</c>); default <c>~/.cache/serving/models</c>.</summary>
    public string ModelCacheDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "serving", "models");

    /// <summary>A Jinja chat template file that replaces the model's own (<c>--chat-template</c>).</summary>
    public string? ChatTemplatePath { get; set; }

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
