using System.Globalization;
using System.Net;
using System.Text;

namespace Serving.LoadTests.Reports;

/// <summary>Self-contained inline SVG charts (no script, no network): bars, lines and a scatter, with axes and ticks.</summary>
internal static class SvgCharts
{
    private const int Width = 560;
    private const int Height = 260;
    private const int Left = 60;
    private const int Right = 16;
    private const int Top = 34;
    private const int Bottom = 40;
    private const int PlotWidth = Width - Left - Right;
    private const int PlotHeight = Height - Top - Bottom;

    private static readonly double[] NiceSteps = [1, 2, 5, 10];

    public static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b07aa1"];

    /// <summary>One bar per label, value written above it.</summary>
    public static string Bars(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, string unit)
    {
        var (top, ticks) = NiceScale(values.DefaultIfEmpty(0).Max());
        var svg = Begin(title, unit, ticks, top);
        var slot = (double)PlotWidth / Math.Max(1, labels.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            var h = values[i] / top * PlotHeight;
            var x = Left + (i * slot) + (slot * 0.15);
            var y = Top + PlotHeight - h;
            Append(svg, $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.#}\" fill=\"{Palette[i % Palette.Length]}\"><title>{Encode(labels[i])}: {values[i]:0.###} {Encode(unit)}</title></rect>");
            Append(svg, $"<text x=\"{x + (slot * 0.35):0.#}\" y=\"{y - 4:0.#}\" text-anchor=\"middle\" font-size=\"11\">{values[i]:0.##}</text>");
            Append(svg, $"<text x=\"{x + (slot * 0.35):0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\" font-size=\"12\">{Encode(labels[i])}</text>");
        }

        return End(svg);
    }

    /// <summary>Line series over a shared x axis (seconds), with a legend.</summary>
    public static string Lines(string title, string unit, IReadOnlyList<double> xs, IReadOnlyList<(string Name, IReadOnlyList<double> Ys)> series)
    {
        var (top, ticks) = NiceScale(series.SelectMany(s => s.Ys).DefaultIfEmpty(0).Max());
        var xMax = Math.Max(1, xs.DefaultIfEmpty(1).Max());
        var svg = Begin(title, unit, ticks, top);
        AppendTimeAxis(svg, xMax);
        for (var s = 0; s < series.Count; s++)
        {
            var points = string.Join(' ', xs.Select((x, i) => Point(x, series[s].Ys[i], xMax, top)));
            var color = Palette[s % Palette.Length];
            Append(svg, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"><title>{Encode(series[s].Name)}</title></polyline>");
            Append(svg, $"<rect x=\"{Left + 10 + (s * 150)}\" y=\"{Top - 16}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{Left + 24 + (s * 150)}\" y=\"{Top - 7}\" font-size=\"11\">{Encode(series[s].Name)}</text>");
        }

        return End(svg);
    }

    /// <summary>One dot per (x seconds, y) point.</summary>
    public static string Scatter(string title, string unit, IReadOnlyList<(double X, double Y)> points)
    {
        var (top, ticks) = NiceScale(points.Select(p => p.Y).DefaultIfEmpty(0).Max());
        var xMax = Math.Max(1, points.Select(p => p.X).DefaultIfEmpty(1).Max());
        var svg = Begin(title, unit, ticks, top);
        AppendTimeAxis(svg, xMax);
        foreach (var (x, y) in points)
        {
            var xy = Point(x, y, xMax, top).Split(',');
            Append(svg, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"2.2\" fill=\"{Palette[0]}\" fill-opacity=\"0.6\"/>");
        }

        return End(svg);
    }

    /// <summary>A round upper bound ≥ <paramref name="max"/> and its 1-2-5 tick step, so gridlines fall on readable values.</summary>
    internal static (double Top, double Step) NiceScale(double max)
    {
        if (!(max > 0) || double.IsInfinity(max))
        {
            return (1, 0.2);
        }

        var rough = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = NiceSteps.Select(f => f * magnitude).First(s => s >= rough);
        return (Math.Ceiling(max / step) * step, step);
    }

    private static StringBuilder Begin(string title, string unit, double step, double top)
    {
        var svg = new StringBuilder();
        Append(svg, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\">");
        Append(svg, $"<text x=\"{Left}\" y=\"14\" font-size=\"14\" font-weight=\"bold\">{Encode(title)}</text>");
        Append(svg, $"<text x=\"12\" y=\"{Top + (PlotHeight / 2)}\" font-size=\"11\" transform=\"rotate(-90 12 {Top + (PlotHeight / 2)})\" text-anchor=\"middle\">{Encode(unit)}</text>");
        for (var value = 0.0; value <= top + (step / 2); value += step)
        {
            var y = Top + PlotHeight - (value / top * PlotHeight);
            Append(svg, $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>");
            Append(svg, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" font-size=\"11\">{value:0.###}</text>");
        }

        Append(svg, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>");
        Append(svg, $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>");
        return svg;
    }

    private static void AppendTimeAxis(StringBuilder svg, double xMax)
    {
        var (top, step) = NiceScale(xMax);
        for (var value = 0.0; value <= top + (step / 2); value += step)
        {
            if (value > xMax + (step / 2))
            {
                break;
            }

            var x = Left + (value / xMax * PlotWidth);
            Append(svg, $"<text x=\"{x:0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\" font-size=\"11\">{value:0.##}</text>");
        }

        Append(svg, $"<text x=\"{Left + (PlotWidth / 2)}\" y=\"{Height - 6}\" text-anchor=\"middle\" font-size=\"11\">time (s)</text>");
    }

    private static string Point(double x, double y, double xMax, double top) =>
        string.Create(CultureInfo.InvariantCulture, $"{Left + (x / xMax * PlotWidth):0.#},{Top + PlotHeight - (y / top * PlotHeight):0.#}");

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static void Append(StringBuilder svg, FormattableString text) => svg.Append(FormattableString.Invariant(text));
}
