namespace Serving.Engine.Gguf;

/// <summary>A metadata array: its element type and the values, as a typed CLR array
/// (<c>int[]</c>, <c>float[]</c>, <c>string[]</c>, ... ; nested arrays as <c>GgufArray[]</c>).</summary>
public sealed record GgufArray(GgufValueType ElementType, Array Values)
{
    public int Count => Values.Length;
}
