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

    [Fact]
    public void ToSingle_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => Fp16.ToSingle(new Half[17], new float[16]));
    }
}
