namespace Serving.Engine.Kernels;

/// <summary>
/// The work items of up to three <see cref="QuantizedMatMulBody"/> products over one quantized input, numbered one
/// product after another (<see cref="MatMul.MultiplyShared"/>). An absent third product has no items.
/// </summary>
internal readonly struct SharedInputBody(QuantizedMatMulBody first, QuantizedMatMulBody second, QuantizedMatMulBody third) : IParallelBody
{
    /// <summary>Work items of all products together.</summary>
    public int Count => first.Plan.Count + second.Plan.Count + third.Plan.Count;

    public void Invoke(int index)
    {
        if (index < first.Plan.Count)
        {
            first.Invoke(index);
            return;
        }

        index -= first.Plan.Count;
        if (index < second.Plan.Count)
        {
            second.Invoke(index);
            return;
        }

        third.Invoke(index - second.Plan.Count);
    }
}
