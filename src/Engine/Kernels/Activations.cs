using System.Numerics.Tensors;

namespace Serving.Engine.Kernels;

/// <summary>Feed-forward activations.</summary>
internal static class Activations
{
    private const int ChunkLength = 256;

    /// <summary>SiLU-gated linear unit: <c>destination[i] = gate[i] * sigmoid(gate[i]) * up[i]</c> (llama's FFN).
    /// <paramref name="destination"/> may be <paramref name="gate"/> or <paramref name="up"/>.</summary>
    public static void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        if (up.Length != gate.Length || destination.Length != gate.Length)
        {
            throw new ArgumentException("gate, up and destination must have the same length");
        }

        // NOTE: chunk by chunk through a small temporary, so each chunk of gate and up is read before destination's
        // chunk is written: in-place use (destination aliasing either input) stays correct.
        Span<float> silu = stackalloc float[ChunkLength];
        for (var i = 0; i < gate.Length; i += ChunkLength)
        {
            var n = Math.Min(ChunkLength, gate.Length - i);
            var g = gate.Slice(i, n);
            var s = silu[..n];
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(s, g, s);
            TensorPrimitives.Multiply(s, up.Slice(i, n), destination.Slice(i, n));
        }
    }
}
