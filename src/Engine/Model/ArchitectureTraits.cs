namespace Serving.Engine.Model;

/// <summary>Everything that differs between the supported architectures, in one table (llama.cpp decides these by
/// <c>general.architecture</c>; the file itself does not say, e.g., which rope layout it was trained with).</summary>
/// <param name="Name">The <c>general.architecture</c> value; also the prefix of its metadata keys.</param>
/// <param name="RopeStyle">Rope pairing llama.cpp uses for this architecture.</param>
/// <param name="HasQkvBias">Whether <c>attn_q/k/v</c> carry <c>.bias</c> tensors (required when true).</param>
public sealed record ArchitectureTraits(string Name, RopeStyle RopeStyle, bool HasQkvBias)
{
    private static readonly ArchitectureTraits[] Known =
    [
        new("llama", RopeStyle.Normal, HasQkvBias: false),
        new("qwen2", RopeStyle.Neox, HasQkvBias: true),
    ];

    /// <summary>Names of the architectures this engine runs.</summary>
    public static IEnumerable<string> SupportedNames => Known.Select(k => k.Name);

    /// <summary>The traits of <paramref name="architecture"/>; <see cref="ModelLoadException"/> naming it when unsupported.</summary>
    public static ArchitectureTraits For(string architecture) =>
        Array.Find(Known, k => k.Name == architecture)
        ?? throw new ModelLoadException($"unsupported model architecture '{architecture}' (supported: {string.Join(", ", SupportedNames)})");
}
