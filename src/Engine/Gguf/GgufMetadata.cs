using System.Globalization;

namespace Serving.Engine.Gguf;

/// <summary>Conversions from stored metadata values to what callers ask for (any integer width to any other, arrays to typed arrays).</summary>
internal static class GgufMetadata
{
    public static T Convert<T>(string key, object value)
    {
        if (value is T exact)
        {
            return exact;
        }

        if (value is GgufArray array && array.Values is T typedArray)
        {
            return typedArray;
        }

        try
        {
            if (IsInteger(value) && (typeof(T) == typeof(int) || typeof(T) == typeof(long) || typeof(T) == typeof(uint) || typeof(T) == typeof(ulong)))
            {
                return (T)System.Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
            }

            if ((value is float or double || IsInteger(value)) && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
            {
                return (T)System.Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
            }

            if (value is GgufArray a && typeof(T) == typeof(int[]) && a.Values.Length > 0 && IsInteger(a.Values.GetValue(0)!))
            {
                return (T)(object)a.Values.Cast<object>().Select(v => System.Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToArray();
            }

            if (value is GgufArray { Values.Length: 0 } && typeof(T).IsArray)
            {
                return (T)(object)Array.CreateInstance(typeof(T).GetElementType()!, 0);
            }
        }
        catch (OverflowException)
        {
            throw new GgufFormatException($"metadata key '{key}' value {value} does not fit {typeof(T).Name}");
        }

        throw new GgufFormatException($"metadata key '{key}' has type {Describe(value)}, expected {typeof(T).Name}");
    }

    private static bool IsInteger(object v) => v is byte or sbyte or ushort or short or uint or int or ulong or long;

    private static string Describe(object v) => v is GgufArray a ? $"array of {a.ElementType}" : v.GetType().Name;
}
