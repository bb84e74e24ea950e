using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Serving.Engine.Kernels;

/// <summary>
/// Per-thread buffers for 8-bit activations: <see cref="Quants"/> [n, columns], <see cref="Scales"/> [n, blocks] and
/// <see cref="Sums"/> [n, columns / 16]. Allocated on the pinned heap on first use and grown, never per call.
/// </summary>
/// <remarks>
/// NOTE: thread-static rather than per-pool because the matmul's caller quantizes and the pool only reads; a runner thread
/// that calls MatMul keeps one set for its lifetime. Workers read the caller's buffers while the caller blocks in For.
/// </remarks>
internal sealed unsafe class ActivationScratch
{
    [ThreadStatic]
    private static ActivationScratch? _current;

    private sbyte[] _quants = [];
    private float[] _scales = [];
    private float[] _blockSums = [];
    private short[] _sums = [];

    /// <summary>Quantized values, row after row.</summary>
    public sbyte* Quants { get; private set; }

    /// <summary>One scale per activation block.</summary>
    public float* Scales { get; private set; }

    /// <summary>Each 32-value block's sum <c>s ≈ d · Σ q</c> (Q8_1 only, see <see cref="Quantize.RowQ8_0"/>), like <see cref="Scales"/>.</summary>
    public float* BlockSums { get; private set; }

    /// <summary>Sums of each run of 16 quantized values (Q8_K's <c>bsums</c>).</summary>
    public short* Sums { get; private set; }

    /// <summary>The calling thread's buffers, grown to hold <paramref name="rows"/> rows of <paramref name="columns"/> values.</summary>
    public static ActivationScratch ForCurrentThread(int rows, int columns)
    {
        var scratch = _current ??= new ActivationScratch();
        scratch.Ensure((long)rows * columns);
        return scratch;
    }

    private void Ensure(long values)
    {
        if (_quants.LongLength >= values)
        {
            return;
        }

        // NOTE: scales are sized for the smallest block (32) and sums for runs of 16, so one buffer set serves both formats;
        // 8 spare scales let the Q8_0 kernel read the last row's scales a whole vector at a time.
        var length = checked((int)values);
        _quants = GC.AllocateUninitializedArray<sbyte>(length, pinned: true);
        _scales = GC.AllocateUninitializedArray<float>((length / 32) + 8, pinned: true);
        _blockSums = GC.AllocateUninitializedArray<float>(length / 32, pinned: true);
        _sums = GC.AllocateUninitializedArray<short>(length / 16, pinned: true);
        Quants = (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_quants));
        Scales = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_scales));
        BlockSums = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_blockSums));
        Sums = (short*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_sums));
    }
}
