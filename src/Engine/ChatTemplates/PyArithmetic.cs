namespace Serving.Engine.ChatTemplates;

/// <summary>Python semantics of <c>+ - * / // % **</c> and unary minus: int stays int, <c>/</c> gives float,
/// <c>%</c> and <c>//</c> floor, <c>str + str</c> and <c>list + list</c> concatenate, <c>str * int</c> repeats.</summary>
internal static class PyArithmetic
{
    public static object? Binary(string op, object? x, object? y, int maxLength)
    {
        if (x is Undefined u)
        {
            throw u.Error($"use '{op}' on");
        }

        if (y is Undefined v)
        {
            throw v.Error($"use '{op}' on");
        }

        return op switch
        {
            "+" => Add(x, y, maxLength),
            "-" => Numeric(op, x, y, (a, b) => checked(a - b), (a, b) => a - b),
            "*" => Multiply(x, y, maxLength),
            "/" => IsNum(x) && IsNum(y) ? Divide(PyOps.ToDouble(x), PyOps.ToDouble(y)) : throw Unsupported(op, x, y),
            "//" => Numeric(op, x, y, FloorDiv, (a, b) => Math.Floor(Divide(a, b))),
            "%" => x is string format ? PyFormat.Percent(format, y) : Numeric(op, x, y, Mod, Mod),
            "**" => Power(x, y),
            _ => throw new InvalidOperationException($"unknown operator {op}"),
        };
    }

    public static object? Negate(object? x) => x switch
    {
        // NOTE: the arms are cast to object so the switch does not widen every int to double.
        bool b => (object)(b ? -1L : 0L),
        long l => (object)checked(-l),
        double d => (object)(-d),
        Undefined u => throw u.Error("negate"),
        _ => throw new ChatTemplateException($"bad operand type for unary -: '{PyText.TypeName(x)}'"),
    };

    public static object? Plus(object? x) => x switch
    {
        bool b => (object)(b ? 1L : 0L),
        long or double => x,
        Undefined u => throw u.Error("use unary + on"),
        _ => throw new ChatTemplateException($"bad operand type for unary +: '{PyText.TypeName(x)}'"),
    };

    private static bool IsNum(object? x) => PyOps.IsNumber(x);

    private static object? Add(object? x, object? y, int maxLength)
    {
        switch (x, y)
        {
            case (string a, string b):
                CheckLength((long)a.Length + b.Length, maxLength);
                return a + b;
            case (object?[] a, object?[] b):
                return a.Concat(b).ToArray();
            case (IReadOnlyList<object?> a, IReadOnlyList<object?> b) when !PyOps.IsTuple(x) && !PyOps.IsTuple(y):
                CheckLength((long)a.Count + b.Count, maxLength);
                var list = new List<object?>(a.Count + b.Count);
                list.AddRange(a);
                list.AddRange(b);
                return list;
            default:
                return Numeric("+", x, y, (a, b) => checked(a + b), (a, b) => a + b);
        }
    }

    private static object? Multiply(object? x, object? y, int maxLength)
    {
        if (x is string or IReadOnlyList<object?> && y is long or bool)
        {
            return Repeat(x, (long)PyOps.ToDouble(y), maxLength);
        }

        if (y is string or IReadOnlyList<object?> && x is long or bool)
        {
            return Repeat(y, (long)PyOps.ToDouble(x), maxLength);
        }

        return Numeric("*", x, y, (a, b) => checked(a * b), (a, b) => a * b);
    }

    private static object Repeat(object sequence, long count, int maxLength)
    {
        var items = sequence as IReadOnlyList<object?>;
        var itemLength = sequence is string s ? s.Length : items?.Count ?? 0;
        count = itemLength == 0 ? 0 : Math.Max(0, count);
        if (itemLength > 0 && count > maxLength / itemLength)
        {
            CheckLength(long.MaxValue, maxLength);
        }

        if (items is null)
        {
            return string.Concat(Enumerable.Repeat((string)sequence, (int)count));
        }

        var repeated = Enumerable.Range(0, (int)count).SelectMany(_ => items);
        return PyOps.IsTuple(sequence) ? repeated.ToArray() : repeated.ToList();
    }

    private static object Power(object? x, object? y)
    {
        if (x is long or bool && y is long or bool && PyOps.ToDouble(y) >= 0)
        {
            long result = 1;
            long b = (long)PyOps.ToDouble(x);
            for (var e = (long)PyOps.ToDouble(y); e > 0; e--)
            {
                result = checked(result * b);
                if (result is 0 or 1)
                {
                    break;
                }
            }

            return result;
        }

        return IsNum(x) && IsNum(y) ? Math.Pow(PyOps.ToDouble(x), PyOps.ToDouble(y)) : throw Unsupported("**", x, y);
    }

    private static object Numeric(string op, object? x, object? y, Func<long, long, long> integer, Func<double, double, double> real)
    {
        if (!IsNum(x) || !IsNum(y))
        {
            throw Unsupported(op, x, y);
        }

        try
        {
            return x is double || y is double
                ? (object)real(PyOps.ToDouble(x), PyOps.ToDouble(y))
                : (object)integer((long)PyOps.ToDouble(x), (long)PyOps.ToDouble(y));
        }
        catch (OverflowException)
        {
            throw new ChatTemplateException($"integer overflow in '{op}'");
        }
    }

    private static double Divide(double a, double b) => b == 0 ? throw new ChatTemplateException("division by zero") : a / b;

    private static long FloorDiv(long a, long b)
    {
        if (b == 0)
        {
            throw new ChatTemplateException("integer division or modulo by zero");
        }

        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static long Mod(long a, long b)
    {
        if (b == 0)
        {
            throw new ChatTemplateException("integer division or modulo by zero");
        }

        var r = a % b;
        return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
    }

    private static double Mod(double a, double b)
    {
        if (b == 0)
        {
            throw new ChatTemplateException("float modulo by zero");
        }

        var r = a % b;
        return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
    }

    private static void CheckLength(long length, int maxLength)
    {
        if (length > maxLength)
        {
            throw new ChatTemplateException($"template output limit exceeded ({maxLength} characters)");
        }
    }

    private static ChatTemplateException Unsupported(string op, object? x, object? y) =>
        new($"unsupported operand type(s) for {op}: '{PyText.TypeName(x)}' and '{PyText.TypeName(y)}'");
}
