using System.Text;

namespace Serving.Engine.Tests.Model;

/// <summary>Writes small GGUF v3 files for loader error tests: string, uint32 and float32 keys; F32 tensors filled with 1.</summary>
internal static class TestGguf
{
    public static string Write(IEnumerable<(string Key, object Value)> metadata, IEnumerable<(string Name, long[] Dims)> tensors)
    {
        var kvs = metadata.ToList();
        var infos = tensors.ToList();
        var path = Path.Combine(Path.GetTempPath(), $"serving-test-{Guid.NewGuid():N}.gguf");
        using var w = new BinaryWriter(File.Create(path));
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write((ulong)infos.Count);
        w.Write((ulong)kvs.Count);
        foreach (var (key, value) in kvs)
        {
            WriteString(w, key);
            switch (value)
            {
                case string s:
                    w.Write(8u);
                    WriteString(w, s);
                    break;
                case int i:
                    w.Write(4u);
                    w.Write((uint)i);
                    break;
                case float f:
                    w.Write(6u);
                    w.Write(f);
                    break;
                default:
                    throw new ArgumentException($"unsupported value type {value.GetType()}");
            }
        }

        var offset = 0L;
        foreach (var (name, dims) in infos)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                w.Write((ulong)d);
            }

            w.Write(0u); // F32
            w.Write((ulong)offset);
            offset += Align(dims.Aggregate(1L, (a, d) => a * d) * 4);
        }

        w.Write(new byte[Align(w.BaseStream.Position) - w.BaseStream.Position]);
        foreach (var (_, dims) in infos)
        {
            var count = dims.Aggregate(1L, (a, d) => a * d);
            for (var i = 0; i < count; i++)
            {
                w.Write(1f);
            }

            w.Write(new byte[Align(count * 4) - (count * 4)]);
        }

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

    private static long Align(long n) => (n + 31) / 32 * 32;

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
