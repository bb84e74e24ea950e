using Serving.Engine.Execution;
using Serving.Engine.Gguf;
using Serving.Engine.Model;

namespace Serving.Server.Cli;

/// <summary>Model loading shared by the CLI commands: every expected load failure becomes one <see cref="CliException"/> line.</summary>
internal static class CliModel
{
    public static KVCacheDataType ParseKVCacheDataType(string? value) => value switch
    {
        null or "f16" => KVCacheDataType.F16,
        "f32" => KVCacheDataType.F32,
        _ => throw new CliException($"--kv-cache-dtype: '{value}' is not one of f16, f32"),
    };

    /// <summary>Blocks of <paramref name="blockSize"/> tokens that hold <paramref name="tokens"/> tokens.</summary>
    public static int BlocksFor(int tokens, int blockSize) => (tokens + blockSize - 1) / blockSize;

    /// <summary>Runs <paramref name="load"/> (opening a file, binding a model or its tokenizer), translating the failures a
    /// user can cause (missing file, not a GGUF, unsupported architecture or tensor type) into a one-line error.</summary>
    public static T Load<T>(string path, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (FileNotFoundException)
        {
            throw new CliException($"model file not found: {path}");
        }
        catch (GgufFormatException e)
        {
            throw new CliException($"{path} is not a valid GGUF file: {e.Message}");
        }
        catch (Exception e) when (e is ModelLoadException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: {e.Message}");
        }
    }
}
