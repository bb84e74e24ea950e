using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Serving.Engine.Execution;

/// <summary>The paged K/V cache: one native allocation of <c>NumBlocks</c> blocks of <c>BlockSize</c> token slots, holding
/// every layer's keys and values. A block id is an index into it; a slot is <c>blockId * BlockSize + offset</c>.</summary>
/// <remarks>
/// Layout, so that one block of one KV head is a contiguous run that attention reads in one go:
/// <code>
///   K: [layer][block][kvHead][headDim][offset in block]   (transposed: a block's 16 scores are 64 vector FMAs)
///   V: [layer][block][kvHead][offset in block][headDim]
/// </code>
/// Keys are stored transposed so that attention computes a block's scores one head dimension at a time over all of the
/// block's positions (one vector lane per position) instead of a horizontal sum per position.
/// Not thread-safe for writes; attention reads it from many threads after the step's writes are done.
/// </remarks>
internal sealed unsafe class KVCacheStorage : IDisposable
{
    /// <summary>Upper bound on BlockSize * HeadDim, so attention can stage one block of one head on the stack.</summary>
    public const int MaxBlockElements = 8192;

    private readonly byte* _data;
    private readonly long _blockBytes; // one block, one head: BlockSize * HeadDim elements
    private bool _disposed;

    public KVCacheStorage(int numLayers, int numKVHeads, int headDim, int numBlocks, int blockSize, KVCacheDataType dataType)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLayers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numKVHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBlocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        if ((long)blockSize * headDim > MaxBlockElements)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), $"block size x head dim must be at most {MaxBlockElements}");
        }

        NumLayers = numLayers;
        NumKVHeads = numKVHeads;
        HeadDim = headDim;
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        DataType = dataType;
        ElementBytes = dataType == KVCacheDataType.F16 ? sizeof(Half) : sizeof(float);
        _blockBytes = (long)blockSize * headDim * ElementBytes;
        TotalBytes = 2L * numLayers * numBlocks * numKVHeads * _blockBytes;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)TotalBytes, 64);
        NativeMemory.Clear(_data, (nuint)TotalBytes);
    }

    public int NumLayers { get; }

    public int NumKVHeads { get; }

    public int HeadDim { get; }

    public int NumBlocks { get; }

    public int BlockSize { get; }

    public KVCacheDataType DataType { get; }

    public int ElementBytes { get; }

    public long TotalBytes { get; }

    /// <summary>Writes one token's keys and values ([NumKVHeads * HeadDim] each) of <paramref name="layer"/> into <paramref name="slot"/>.</summary>
    public void Write(int layer, int slot, ReadOnlySpan<float> keys, ReadOnlySpan<float> values)
    {
        if ((uint)slot >= (uint)(NumBlocks * BlockSize) || (uint)layer >= (uint)NumLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} of layer {layer} is outside the cache");
        }

        if (keys.Length != NumKVHeads * HeadDim || values.Length != keys.Length)
        {
            throw new ArgumentException("keys and values must hold NumKVHeads * HeadDim values");
        }

        int block = slot / BlockSize, offset = slot % BlockSize;
        Span<Half> halves = DataType == KVCacheDataType.F16 ? stackalloc Half[HeadDim] : default;
        for (var h = 0; h < NumKVHeads; h++)
        {
            StoreKeys(keys.Slice(h * HeadDim, HeadDim), BlockPointer(layer, isValue: false, block, h), offset, halves);
            StoreValues(values.Slice(h * HeadDim, HeadDim), BlockPointer(layer, isValue: true, block, h) + ((long)offset * HeadDim * ElementBytes));
        }
    }

    /// <summary>Start of the [HeadDim, BlockSize] keys (or [BlockSize, HeadDim] values) of one KV head in one block.</summary>
    /// <remarks>The caller guarantees the indices are in range (the runner validates block tables once per step).</remarks>
    public byte* BlockPointer(int layer, bool isValue, int block, int kvHead)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var plane = (2L * layer) + (isValue ? 1 : 0);
        return _data + ((((plane * NumBlocks) + block) * NumKVHeads) + kvHead) * _blockBytes;
    }

    /// <summary>Copies every layer's K and V of block <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void CopyBlock(int source, int destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)source, (uint)NumBlocks, nameof(source));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)destination, (uint)NumBlocks, nameof(destination));
        var bytes = _blockBytes * NumKVHeads;
        for (var layer = 0; layer < NumLayers; layer++)
        {
            Buffer.MemoryCopy(BlockPointer(layer, isValue: false, source, 0), BlockPointer(layer, isValue: false, destination, 0), bytes, bytes);
            Buffer.MemoryCopy(BlockPointer(layer, isValue: true, source, 0), BlockPointer(layer, isValue: true, destination, 0), bytes, bytes);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.AlignedFree(_data);
    }

    /// <summary>One head's keys into column <paramref name="offset"/> of the block's [HeadDim, BlockSize] keys.</summary>
    private void StoreKeys(ReadOnlySpan<float> source, byte* block, int offset, Span<Half> halves)
    {
        if (DataType == KVCacheDataType.F32)
        {
            var destination = (float*)block + offset;
            for (var d = 0; d < source.Length; d++)
            {
                destination[(long)d * BlockSize] = source[d];
            }

            return;
        }

        TensorPrimitives.ConvertToHalf(source, halves);
        var target = (Half*)block + offset;
        for (var d = 0; d < halves.Length; d++)
        {
            target[(long)d * BlockSize] = halves[d];
        }
    }

    private void StoreValues(ReadOnlySpan<float> source, byte* destination)
    {
        if (DataType == KVCacheDataType.F32)
        {
            source.CopyTo(new Span<float>(destination, source.Length));
        }
        else
        {
            TensorPrimitives.ConvertToHalf(source, new Span<Half>(destination, source.Length));
        }
    }
}
