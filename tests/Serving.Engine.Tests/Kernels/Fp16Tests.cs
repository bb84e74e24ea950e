using System.Numerics.Tensors;
using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public class Fp16Tests
{
    /// <summary>Every one of the 65,536 halves (zeros, subnormals, Inf, NaN payloads), in a span whose length is not a
    /// multiple of 16 so the scalar tail runs too: the same bits as the runtime's conversion.</summary>
    [Fact]
    public void ToSingle_EveryHalf_SameBitsAsRuntimeConversion()
    {
        var halves = new Half[65536 + 7];
        for (var i = 0; i < halves.Length; i++)
        {
            halves[i] = BitConverter.UInt16BitsToHalf((ushort)i);
        }

        var ours = new float[halves.Length];
        var runtime = new float[halves.Length];

        Fp16.ToSingle(halves, ours);
        TensorPrimitives.ConvertToSingle(halves, runtime);

        for (var i = 0; i < halves.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToUInt32Bits(ours[i]) == BitConverter.SingleToUInt32Bits(runtime[i]),
                $"half 0x{i & 0xFFFF:X4}: {ours[i]} vs {runtime[i]}");
        }
    }

    /// <summary>Every finite half, 8 at a time from blocks of Q8_0's 34 bytes: the runtime's bits in every lane.</summary>
    [Fact]
    public unsafe void LoadScales8_EveryFiniteHalf_SameBitsAsRuntimeConversion()
    {
        const int Stride = 34;
        var finite = Enumerable.Range(0, 65536).Where(h => (h & 0x7C00) != 0x7C00).Select(h => (ushort)h).ToArray();
        var blocks = new byte[8 * Stride];
        for (var group = 0; group + 8 <= finite.Length; group += 8)
        {
            for (var lane = 0; lane < 8; lane++)
            {
                BitConverter.TryWriteBytes(blocks.AsSpan(lane * Stride, 2), finite[group + lane]);
            }

            fixed (byte* first = blocks)
            {
                var scales = Fp16.LoadScales8(first, Stride);
                for (var lane = 0; lane < 8; lane++)
                {
                    var expected = (float)BitConverter.UInt16BitsToHalf(finite[group + lane]);
                    Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(scales[lane]));
                }
            }
        }
    }

    [Fact]
    public void ToSingle_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => Fp16.ToSingle(new Half[17], new float[16]));
    }
}
