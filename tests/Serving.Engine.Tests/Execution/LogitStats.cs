namespace Serving.Engine.Tests.Execution;

/// <summary>float64 statistics of a logits row, computed the way the oracle files define them.</summary>
internal static class LogitStats
{
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        var sum = 0.0;
        foreach (var l in logits)
        {
            sum += Math.Exp(l - max);
        }

        return max + Math.Log(sum);
    }
}
