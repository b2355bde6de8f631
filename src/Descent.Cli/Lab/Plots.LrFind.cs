using System.Globalization;
using Descent.Cli.Tuning;
using ScottPlot;

namespace Descent.Cli.Lab;

/// <summary>The range test's figure: loss against log10 of the rate, the suggestions marked.</summary>
internal static partial class Plots
{
    public static void DrawLrFind(LrFindResult result, string title, string pathWithoutExtension, List<string> files)
    {
        var plot = NewPlot();
        int shown = result.Stopped is int s ? s + 1 : result.Losses.Length;
        double[] x = [.. result.Rates.Take(shown).Select(Math.Log10)];
        var raw = plot.Add.Scatter(x, Map([.. result.Losses.Take(shown)], v => v), Palette[0].WithAlpha(0.25));
        raw.MarkerSize = 0;
        raw.LegendText = "loss";
        var smooth = plot.Add.Scatter(x, Map([.. result.Smoothed.Take(shown)], v => v), Palette[0]);
        smooth.MarkerSize = 0;
        smooth.LineWidth = 2;
        smooth.LegendText = "smoothed (EMA 0.98)";
        Mark(plot, result, result.Valley, "valley (suggested)", Palette[3]);
        Mark(plot, result, result.Steepest, "steepest descent", Palette[2]);
        // The exploding tail would flatten everything else: show from the lowest smoothed loss to 1.5 × the starting one.
        double low = result.Smoothed.Take(shown).Concat(result.Losses.Take(shown)).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double high = 1.5 * result.Smoothed[0];
        if (double.IsFinite(high) && high > low)
        {
            plot.Axes.SetLimitsY(low - (0.05 * (high - low)), high);
        }

        plot.XLabel("log10 learning rate", size: 15);
        plot.YLabel("training loss", size: 15);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontSize = 14;
        plot.Title(title, size: 15);
        Save(plot, 900, 560, pathWithoutExtension, files);
    }

    private static void Mark(Plot plot, LrFindResult result, int index, string label, Color color)
    {
        var marker = plot.Add.Marker(Math.Log10(result.Rates[index]), result.Smoothed[index], MarkerShape.FilledCircle, 11, color);
        marker.LegendText = string.Create(CultureInfo.InvariantCulture, $"{label}: {result.Rates[index]:G3}");
    }
}
