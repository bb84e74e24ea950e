namespace Serving.Engine.Model;

/// <summary>Which dimensions of a head RoPE rotates together (llama.cpp's <c>LLAMA_ROPE_TYPE_*</c>).</summary>
public enum RopeStyle
{
    /// <summary>Adjacent pairs <c>(2i, 2i + 1)</c>: llama.cpp's "normal" mode (llama, the original Meta layout).</summary>
    Normal,

    /// <summary>Pairs <c>(i, i + d/2)</c> of the rotated dimensions: GPT-NeoX / Hugging Face layout (qwen2).</summary>
    Neox,
}
