using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serving.Engine.Gguf;
using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

/// <summary>Builders for kernel tests: random weight matrices of any supported type and an independent activation rounding.</summary>
internal static unsafe class KernelTestData
{
    public static readonly GgmlType[] AllTypes =
        [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K];

    public static TheoryData<GgmlType> Types()
    {
        var data = new TheoryData<GgmlType>();
        foreach (var type in AllTypes)
        {
            data.Add(type);
        }

        return data;
    }

    /// <summary>
    /// Random bytes for every quant bit (so every layout position is exercised), with the half-precision scale fields
    /// replaced by sane positive scales; float types get random values in [-1, 1).
    /// </summary>
    public static (WeightMatrix Matrix, byte[] Bytes) RandomMatrix(GgmlType type, int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var traits = GgmlTypeTraits.Of(type);
        var bytes = GC.AllocateArray<byte>(checked((int)(traits.RowBytes(columns) * rows)), pinned: true);
        random.NextBytes(bytes);
        switch (type)
        {
            case GgmlType.F32:
                var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
                for (var i = 0; i < floats.Length; i++)
                {
                    floats[i] = (random.NextSingle() * 2) - 1;
                }

                break;
            case GgmlType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
                for (var i = 0; i < halves.Length; i++)
                {
                    halves[i] = (Half)((random.NextSingle() * 2) - 1);
                }

                break;
            case GgmlType.BF16:
                var bf16 = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
                for (var i = 0; i < bf16.Length; i++)
                {
                    bf16[i] = (ushort)(BitConverter.SingleToUInt32Bits((random.NextSingle() * 2) - 1) >> 16);
                }

                break;
            default:
                var blocks = bytes.Length / traits.TypeSize;
                for (var b = 0; b < blocks; b++)
                {
                    foreach (var offset in ScaleOffsets(type))
                    {
                        var scale = (Half)(0.001f + (random.NextSingle() * 0.02f));
                        MemoryMarshal.Write(bytes.AsSpan((b * traits.TypeSize) + offset), in scale);
                    }
                }

                break;
        }

        var matrix = new WeightMatrix(type, rows, columns, (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(bytes)));
        return (matrix, bytes);
    }

    public static float[] RandomFloats(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ((random.NextSingle() * 2) - 1) * scale;
        }

        return values;
    }

    /// <summary>
    /// What llama.cpp's Q8_1 activations (Q4_1/Q5_1 weights) change in one product against <see cref="RoundActivations"/>:
    /// the block mins multiply the block sum stored as a half, <c>s = half(amax / 127 · Σ q)</c>, not the sum of the rounded
    /// values. Zero for every other weight type.
    /// </summary>
    public static double MinsCorrection(GgmlType weightType, ReadOnlySpan<byte> weightRow, ReadOnlySpan<float> x)
    {
        if (weightType is not (GgmlType.Q4_1 or GgmlType.Q5_1))
        {
            return 0;
        }

        var blockBytes = GgmlTypeTraits.Of(weightType).TypeSize;
        double correction = 0;
        for (int b = 0, o = 0; o < x.Length; b += blockBytes, o += 32)
        {
            var amax = 0f;
            for (var j = o; j < o + 32; j++)
            {
                amax = Math.Max(amax, Math.Abs(x[j]));
            }

            var id = amax != 0 ? 127f / amax : 0f;
            var sum = 0;
            for (var j = o; j < o + 32; j++)
            {
                sum += (int)Math.Round(x[j] * id, MidpointRounding.ToEven);
            }

            var d = (float)(Half)(amax / 127f);
            var stored = (float)(Half)(amax / 127f * sum);
            correction += (double)BitConverter.ToHalf(weightRow.Slice(b + 2, 2)) * (stored - ((double)d * sum));
        }

        return correction;
    }

    /// <summary>
    /// ggml's activation rounding, written out in scalar float as its C sources do it (independent of the SIMD code under test):
    /// returns the dequantized value each input is replaced by. Float weight types keep the input.
    /// </summary>
    public static double[] RoundActivations(GgmlType weightType, ReadOnlySpan<float> x)
    {
        var result = new double[x.Length];
        switch (weightType)
        {
            case GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1:
                for (var b = 0; b < x.Length; b += 32)
                {
                    var amax = 0f;
                    for (var j = b; j < b + 32; j++)
                    {
                        amax = Math.Max(amax, Math.Abs(x[j]));
                    }

                    var d = (float)(Half)(amax / 127f);
                    var id = amax != 0 ? 127f / amax : 0f;
                    for (var j = b; j < b + 32; j++)
                    {
                        result[j] = Math.Round(x[j] * id, MidpointRounding.ToEven) * (double)d;
                    }
                }

                break;
            case GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K:
                for (var b = 0; b < x.Length; b += 256)
                {
                    float amax = 0, max = 0;
                    for (var j = b; j < b + 256; j++)
                    {
                        if (Math.Abs(x[j]) > amax)
                        {
                            amax = Math.Abs(x[j]);
                            max = x[j];
                        }
                    }

                    if (amax == 0)
                    {
                        continue;
                    }

                    var iscale = -127f / max;
                    var d = 1 / iscale;
                    for (var j = b; j < b + 256; j++)
                    {
                        result[j] = Math.Min(127, Math.Round(iscale * x[j], MidpointRounding.ToEven)) * (double)d;
                    }
                }

                break;
            default:
                for (var j = 0; j < x.Length; j++)
                {
                    result[j] = x[j];
                }

                break;
        }

        return result;
    }

    private static int[] ScaleOffsets(GgmlType type) => type switch
    {
        GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 => [0],
        GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q4_1 or GgmlType.Q5_1 => [0, 2],
        GgmlType.Q6_K => [208],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
