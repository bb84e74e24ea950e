using System.IO.MemoryMappedFiles;

namespace Serving.Engine.Gguf;

/// <summary>A memory-mapped GGUF v2/v3 file: metadata, tensor infos and zero-copy access to tensor data.</summary>
/// <remarks>Weights are used in place from the mapping; nothing is copied onto the managed heap. Dispose releases the mapping,
/// so every span or pointer handed out must be dead by then.</remarks>
public sealed unsafe class GgufFile : IDisposable
{
    /// <summary>"GGUF" as a little-endian uint32.</summary>
    private const uint Magic = 0x46554747;
    private const uint DefaultAlignment = 32;
    private const int MaxDimensions = 4;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private bool _disposed;

    private GgufFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePointer;
        FileLength = length;
        var cursor = new GgufCursor(basePointer, length);
        try
        {
            (Version, Metadata, Tensors, Alignment, DataOffset) = GgufHeaderParser.Parse(cursor, Magic, DefaultAlignment, MaxDimensions);
        }
        catch
        {
            Dispose();
            throw;
        }

        _tensorsByName = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
        foreach (var t in Tensors)
        {
            if (!_tensorsByName.TryAdd(t.Name, t))
            {
                Dispose();
                throw new GgufFormatException($"duplicate tensor name '{t.Name}'");
            }
        }
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>GGUF version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Total file size in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Alignment of the data section and of each tensor (<c>general.alignment</c>, default 32).</summary>
    public uint Alignment { get; }

    /// <summary>File offset where tensor data begins.</summary>
    public long DataOffset { get; }

    /// <summary>Metadata in file order. Values are boxed primitives, <see cref="string"/>, or <see cref="GgufArray"/>.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    /// <summary>Tensor infos in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="GgufFormatException"/> naming the problem and offset.</summary>
    public static GgufFile Open(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }

        if (info.Length == 0)
        {
            return new GgufFile(path, null, null, null, 0);
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return new GgufFile(path, map, view, p + view.PointerOffset, info.Length);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>The tensor called <paramref name="name"/>, or null.</summary>
    public GgufTensorInfo? FindTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    /// <summary>Pointer to a tensor's first byte inside the mapping; valid until <see cref="Dispose"/>.</summary>
    public byte* GetTensorPointer(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _base + tensor.Offset;
    }

    /// <summary>A tensor's bytes (tensors over 2 GiB need <see cref="GetTensorPointer"/>).</summary>
    public ReadOnlySpan<byte> GetTensorBytes(GgufTensorInfo tensor) => new(GetTensorPointer(tensor), checked((int)tensor.ByteSize));

    /// <summary>Typed metadata lookup; null when the key is absent, an exception when it has another type.</summary>
    public T? Get<T>(string key)
    {
        if (!Metadata.TryGetValue(key, out var value))
        {
            return default;
        }

        return GgufMetadata.Convert<T>(key, value);
    }

    /// <summary>Typed metadata lookup with a default for an absent key.</summary>
    public T Get<T>(string key, T defaultValue) => Metadata.ContainsKey(key) ? Get<T>(key)! : defaultValue;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }
}
