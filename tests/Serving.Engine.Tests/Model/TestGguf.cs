using Serving.Engine.Gguf;
using Serving.Engine.Tests.Gguf;

namespace Serving.Engine.Tests.Model;

/// <summary>Small model-shaped GGUF files for loader error tests (string, uint32 and float32 keys; F32 tensors of ones),
/// written with <see cref="GgufBuilder"/> to a temporary path the caller deletes.</summary>
internal static class TestGguf
{
    public static string Write(IReadOnlyList<(string Key, object Value)> metadata, IReadOnlyList<(string Name, long[] Dims)> tensors)
    {
        var builder = new GgufBuilder().Header(3, (ulong)tensors.Count, (ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            _ = value switch
            {
                string s => builder.KeyString(key, s),
                int i => builder.KeyU32(key, (uint)i),
                float f => builder.String(key).U32((uint)GgufValueType.Float32).F32(f),
                _ => throw new ArgumentException($"unsupported value type {value.GetType()}"),
            };
        }

        var offset = 0UL;
        foreach (var (name, dims) in tensors)
        {
            builder.Tensor(name, dims, GgmlType.F32, offset);
            offset += Align(ElementCount(dims) * 4);
        }

        builder.PadTo(32);
        foreach (var (_, dims) in tensors)
        {
            for (var i = 0UL; i < ElementCount(dims); i++)
            {
                builder.F32(1f);
            }

            builder.PadTo(32);
        }

        var path = Path.Combine(Path.GetTempPath(), $"serving-test-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, builder.ToArray());
        return path;
    }

    /// <summary>Metadata of a one-layer llama with embedding 8, 2 heads, ffn 16 and vocabulary 4.</summary>
    public static List<(string Key, object Value)> TinyLlamaMetadata(string architecture = "llama") =>
    [
        ("general.architecture", architecture),
        ($"{architecture}.context_length", 32),
        ($"{architecture}.embedding_length", 8),
        ($"{architecture}.block_count", 1),
        ($"{architecture}.feed_forward_length", 16),
        ($"{architecture}.attention.head_count", 2),
        ($"{architecture}.attention.layer_norm_rms_epsilon", 1e-5f),
    ];

    private static ulong ElementCount(long[] dims) => (ulong)dims.Aggregate(1L, (a, d) => a * d);

    private static ulong Align(ulong n) => (n + 31) / 32 * 32;
}
