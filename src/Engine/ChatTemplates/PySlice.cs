namespace Serving.Engine.ChatTemplates;

/// <summary>Python slice semantics (<c>seq[start:stop:step]</c>, negative indices and steps, clamping).</summary>
internal static class PySlice
{
    /// <summary>Python's <c>slice.indices(length)</c>: concrete start, stop and step.</summary>
    public static (int Start, int Stop, int Step) Indices(int length, long? start, long? stop, long? step)
    {
        var s = step ?? 1;
        if (s == 0)
        {
            throw new ChatTemplateException("slice step cannot be zero");
        }

        long lower = s < 0 ? -1 : 0;
        long upper = s < 0 ? length - 1 : length;
        long Clamp(long? v, long fallback)
        {
            if (v is not { } x)
            {
                return fallback;
            }

            x = x < 0 ? x + length : x;
            return Math.Clamp(x, lower, upper);
        }

        var from = Clamp(start, s < 0 ? upper : lower);
        var to = Clamp(stop, s < 0 ? lower : upper);
        return ((int)from, (int)to, (int)Math.Clamp(s, int.MinValue + 1, int.MaxValue));
    }

    public static List<object?> Apply(IReadOnlyList<object?> items, long? start, long? stop, long? step)
    {
        var (from, to, s) = Indices(items.Count, start, stop, step);
        var result = new List<object?>();
        for (long i = from; s > 0 ? i < to : i > to; i += s)
        {
            result.Add(items[(int)i]);
        }

        return result;
    }
}
