using ScottPlot;
using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery.Drawing;

/// <summary>2-D points coloured by class: ScottPlot panels and a legend of class names drawn beside them.</summary>
internal static class ClassScatter
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>A scatter plot of <paramref name="points"/> (x, y) with one colour per label.</summary>
    public static Plot Plot(float[][] points, int[] labels, int classCount, string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        for (var c = 0; c < classCount; c++)
        {
            var members = Enumerable.Range(0, points.Length).Where(i => labels[i] == c).ToArray();
            var scatter = plot.Add.ScatterPoints(members.Select(i => (double)points[i][0]).ToArray(), members.Select(i => (double)points[i][1]).ToArray());
            scatter.Color = Palette.GetColor(c).WithAlpha(0.55);
            scatter.MarkerShape = MarkerShape.FilledCircle;
            scatter.MarkerSize = 3;
        }
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        return plot;
    }

    /// <summary>The points a <see cref="Plot"/> holds, read back from its scatter series: (class, x, y), class by class.</summary>
    public static IReadOnlyList<(int Class, double X, double Y)> Points(Plot plot) =>
        plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()
            .SelectMany((series, c) => series.Data.GetScatterPoints().Select(p => (c, p.X, p.Y)))
            .ToArray();

    /// <summary>One coloured dot and name per class, one class a line, from (x, y) down.</summary>
    public static void Legend(Figure figure, IReadOnlyList<string> classNames, float x, float y)
    {
        using var paint = new SKPaint { IsAntialias = true };
        for (var c = 0; c < classNames.Count; c++)
        {
            var lineY = y + c * 26;
            paint.Color = Palette.GetColor(c).ToSKColor();
            figure.Canvas.DrawCircle(x + 6, lineY - 5, 6, paint);
            figure.Text(classNames[c], x + 20, lineY, 15);
        }
    }
}
