namespace Serving.Scheduler;

/// <summary>Fails loudly when a core type's invariant is broken (a bug, never an expected condition: STYLE E2/E3).</summary>
internal static class Invariant
{
    public static void Check(bool condition, string owner, string invariant)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{owner} invariant broken: {invariant}");
        }
    }
}
