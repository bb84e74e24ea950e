namespace Serving.Scheduler.Tests;

internal static class LetExtensions
{
    /// <summary>Runs <paramref name="action"/> on <paramref name="value"/> and returns it (keeps step loops on one line).</summary>
    public static T Let<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
