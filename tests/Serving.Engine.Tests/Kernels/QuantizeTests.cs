using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public unsafe class QuantizeTests
{
    [Fact]
    public void RowQ8_0_RoundsHalfToEvenWithHalfScale()
    {
        var x = new float[32];
        float[] head = [127f, -63.5f, 0.5f, 1.5f, 2.5f, -0.4f];
        head.CopyTo(x, 0);
        var quants = new sbyte[32];
        var scales = new float[1];

        fixed (float* px = x)
        fixed (sbyte* pq = quants)
        fixed (float* ps = scales)
        {
            Quantize.RowQ8_0(px, 32, pq, ps);
        }

        Assert.Equal(1f, scales[0]); // amax / 127 = 1, exact in half
        Assert.Equal(new sbyte[] { 127, -64, 0, 2, 2, 0 }, quants[..6]);
        Assert.All(quants[6..], q => Assert.Equal(0, q));
    }

    [Fact]
    public void RowQ8_0_ScaleIsRoundedToHalf()
    {
        var x = new float[32];
        x[0] = 1f; // d = 1/127 = 0.007874..., nearest half is 0.007873535
        var quants = new sbyte[32];
        var scales = new float[1];

        fixed (float* px = x)
        fixed (sbyte* pq = quants)
        fixed (float* ps = scales)
        {
            Quantize.RowQ8_0(px, 32, pq, ps);
        }

        Assert.Equal((float)(Half)(1f / 127f), scales[0]);
        Assert.NotEqual(1f / 127f, scales[0]);
        Assert.Equal(127, quants[0]);
    }

    /// <summary>Q8_1's block sum is ggml's: the unrounded d times Σ q, rounded to a half (not the half d times Σ q).</summary>
    [Fact]
    public void RowQ8_0_BlockSumsAsGgmlQ8_1StoresThem()
    {
        var x = new float[64];
        x[0] = 1f;
        x[1] = 0.75f;
        x[32] = -3f;
        x[33] = 2.9f;
        var quants = new sbyte[64];
        var scales = new float[2];
        var sums = new float[2];

        fixed (float* px = x)
        fixed (sbyte* pq = quants)
        fixed (float* ps = scales)
        fixed (float* pb = sums)
        {
            Quantize.RowQ8_0(px, 64, pq, ps, pb);
        }

        Assert.Equal(new sbyte[] { 127, 95 }, quants[..2]); // 0.75 · 127 = 95.25
        Assert.Equal((float)(Half)(1f / 127f * 222), sums[0]);
        Assert.NotEqual(scales[0] * 222, sums[0]); // the half d would give another value
        Assert.Equal(new sbyte[] { -127, 123 }, quants[32..34]); // 2.9 · 127 / 3 = 122.77
        Assert.Equal((float)(Half)(3f / 127f * -4), sums[1]);
    }

    [Fact]
    public void RowQ8_K_FirstLargestValueSetsSignedScaleAndSums()
    {
        var x = new float[256];
        float[] head = [-254f, 5f, 7f, 254f, 1f];
        head.CopyTo(x, 0);
        x[16] = 9f;
        var quants = new sbyte[256];
        var scales = new float[1];
        var sums = new short[16];

        fixed (float* px = x)
        fixed (sbyte* pq = quants)
        fixed (float* ps = scales)
        fixed (short* psum = sums)
        {
            Quantize.RowQ8_K(px, 256, pq, ps, psum);
        }

        // max = -254 (first of largest magnitude), iscale = -127 / -254 = 0.5, d = 1 / iscale = 2.
        Assert.Equal(2f, scales[0]);
        Assert.Equal(new sbyte[] { -127, 2, 4, 127, 0 }, quants[..5]); // 2.5 -> 2, 3.5 -> 4, 0.5 -> 0 (ties to even)
        Assert.Equal(4, quants[16]);                                    // 4.5 -> 4
        Assert.Equal(-127 + 2 + 4 + 127, sums[0]);
        Assert.Equal(4, sums[1]);
        Assert.All(sums[2..], s => Assert.Equal(0, s));
    }

    [Fact]
    public void RowQ8_K_AllZeroBlock_ZeroScaleQuantsAndSums()
    {
        var quants = new sbyte[256];
        Array.Fill(quants, (sbyte)1);
        var scales = new[] { float.NaN };
        var sums = new short[16];
        Array.Fill(sums, (short)1);

        fixed (float* px = new float[256])
        fixed (sbyte* pq = quants)
        fixed (float* ps = scales)
        fixed (short* psum = sums)
        {
            Quantize.RowQ8_K(px, 256, pq, ps, psum);
        }

        Assert.Equal(0f, scales[0]);
        Assert.All(quants, q => Assert.Equal(0, q));
        Assert.All(sums, s => Assert.Equal(0, s));
    }
}
