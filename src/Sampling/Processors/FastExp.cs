using System.Numerics;
using System.Runtime.CompilerServices;

namespace Serving.Sampling.Processors;

/// <summary>exp for x ≤ 0 in float arithmetic only (Cephes <c>expf</c>: exp(x) = 2^n · e^r with |r| ≤ ln2/2 and a degree-7
/// polynomial), about 1 ulp, results below float's normal range flushed to 0.</summary>
/// <remarks>NOTE: TensorPrimitives.Exp is about 8× slower here because it computes float exp through double to be correctly
/// rounded; sampling weights do not need the last ulp, and exp over 151936 logits dominated the sampling step. The vector
/// and scalar paths do the same operations in the same order, so a token's weight does not depend on where it fell in the
/// row.</remarks>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;      // ln 2 split so n · Ln2High is exact for |n| ≤ 126
    private const float Ln2Low = -2.12194440e-4f;
    private const float MinArgument = -87.33654f;     // ln(float.MinNormal)
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary><c>exp(x)</c> per lane; requires x ≤ 0 (or -∞), never NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var underflow = Vector.LessThan(x, new Vector<float>(MinArgument));
        x = Vector.MaxNative(x, new Vector<float>(MinArgument));  // no NaN here, so the native max is exact
        var n = Vector.Floor(x * new Vector<float>(Log2E) + new Vector<float>(0.5f));
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2High), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Low), r);
        var p = new Vector<float>(P0) * r + new Vector<float>(P1);
        p = p * r + new Vector<float>(P2);
        p = p * r + new Vector<float>(P3);
        p = p * r + new Vector<float>(P4);
        p = p * r + new Vector<float>(P5);
        p = p * (r * r) + r + Vector<float>.One;
        var powerOfTwo = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32Native(n) + new Vector<int>(127), 23));
        return Vector.ConditionalSelect(underflow, Vector<float>.Zero, p * powerOfTwo);
    }

    /// <summary>Scalar twin of <see cref="Exp(Vector{float})"/>, bit-identical to it.</summary>
    public static float Exp(float x)
    {
        if (x < MinArgument)
        {
            return 0f;
        }

        var n = MathF.Floor(x * Log2E + 0.5f);
        var r = MathF.FusedMultiplyAdd(n, -Ln2High, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Low, r);
        var p = P0 * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        p = p * (r * r) + r + 1f;
        return p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}
