using Serving.Engine.Execution;

namespace Serving.Engine.Tests.Execution;

public class KVCacheStorageTests
{
    [Fact]
    public unsafe void Write_Slot_LandsAtBlockHeadOffset_KeysTransposed()
    {
        using var cache = new KVCacheStorage(numLayers: 2, numKVHeads: 2, headDim: 4, numBlocks: 3, blockSize: 4, KVCacheDataType.F32);
        float[] keys = [1, 2, 3, 4, 5, 6, 7, 8];
        float[] values = [-1, -2, -3, -4, -5, -6, -7, -8];

        cache.Write(layer: 1, slot: 9, keys, values); // block 2, offset 1

        var head1Keys = new ReadOnlySpan<float>(cache.BlockPointer(1, isValue: false, block: 2, kvHead: 1), 16);
        var head0Values = new ReadOnlySpan<float>(cache.BlockPointer(1, isValue: true, block: 2, kvHead: 0), 16);
        Assert.Equal([0f, 5f, 0f, 0f, 0f, 6f, 0f, 0f, 0f, 7f, 0f, 0f, 0f, 8f, 0f, 0f], head1Keys.ToArray()); // [headDim, blockSize]
        Assert.Equal([-1f, -2f, -3f, -4f], head0Values.Slice(4, 4).ToArray()); // [blockSize, headDim]
        Assert.Equal(2L * 2 * 3 * 2 * 4 * 4 * sizeof(float), cache.TotalBytes);
    }

    [Fact]
    public unsafe void Write_F16_RoundsToHalf()
    {
        using var cache = new KVCacheStorage(1, 1, 2, 1, 1, KVCacheDataType.F16);

        cache.Write(0, 0, [0.1f, 65504f], [1f / 3, -2f]);

        var keys = new ReadOnlySpan<Half>(cache.BlockPointer(0, isValue: false, 0, 0), 2);
        var values = new ReadOnlySpan<Half>(cache.BlockPointer(0, isValue: true, 0, 0), 2);
        Assert.Equal([(Half)0.1f, (Half)65504f], keys.ToArray());
        Assert.Equal([(Half)(1f / 3), (Half)(-2f)], values.ToArray());
    }

    [Fact]
    public unsafe void CopyBlock_EveryLayerKeysAndValues_Copied()
    {
        using var cache = new KVCacheStorage(numLayers: 3, numKVHeads: 2, headDim: 2, numBlocks: 4, blockSize: 2, KVCacheDataType.F32);
        for (var layer = 0; layer < 3; layer++)
        {
            cache.Write(layer, slot: 3, [layer, 1, 2, 3], [layer, -1, -2, -3]); // block 1, offset 1
        }

        cache.CopyBlock(1, 2);

        for (var layer = 0; layer < 3; layer++)
        {
            foreach (var isValue in new[] { false, true })
            {
                for (var h = 0; h < 2; h++)
                {
                    var source = new ReadOnlySpan<float>(cache.BlockPointer(layer, isValue, 1, h), 4);
                    var copy = new ReadOnlySpan<float>(cache.BlockPointer(layer, isValue, 2, h), 4);
                    Assert.True(source.SequenceEqual(copy));
                }
            }
        }

        Assert.Equal(-3f, new ReadOnlySpan<float>(cache.BlockPointer(2, isValue: true, 2, 1), 4)[3]);
    }

    [Fact]
    public void Write_SlotOutsidePool_Throws()
    {
        using var cache = new KVCacheStorage(1, 1, 2, 2, 4, KVCacheDataType.F32);

        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Write(0, 8, [1, 2], [3, 4]));
    }
}
