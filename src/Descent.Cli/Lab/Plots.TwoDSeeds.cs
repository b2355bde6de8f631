using System.Globalization;
using ScottPlot;

namespace Descent.Cli.Lab;

/// <summary>compare-2d --seeds: the other seeds' paths drawn lightly, and f's median with its min–max band across seeds.</summary>
internal static partial class Plots
{
    /// <summary>Every seed's path of optimizer <paramref name="optimizer"/> but the first (drawn boldly by the caller), faint, with its start dotted.</summary>
    private static void DrawOtherSeeds(Plot plot, TwoDRecord data, int optimizer, Color color)
    {
        foreach (var seed in (data.Repeats ?? []).Skip(1))
        {
            var run = seed.Runs[optimizer];
            var path = plot.Add.Scatter(run.X, run.Y, color.WithAlpha(0.3));
            path.LineWidth = 1;
            path.MarkerSize = 0;
            plot.Add.Marker(run.X[0], run.Y[0], MarkerShape.FilledCircle, 4, Colors.Black.WithAlpha(0.5));
        }
    }

    /// <summary>f along the paths: per optimizer the median over the seeds' completed paths, and the min–max band.</summary>
    public static void DrawValueBands(TwoDRecord data, string pathWithoutExtension, List<string> files)
    {
        var bands = Enumerable.Range(0, data.Runs.Count).Select(k => (data.Runs[k].Label, Band: TwoDSeeds.Band(data, k))).ToList();
        var finite = bands.SelectMany(b => b.Band.Low.Concat(b.Band.High)).Where(double.IsFinite).ToArray();
        bool log = finite.Length > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 20;
        Func<double, double> map = log ? Math.Log10 : v => v;
        var plot = NewPlot();
        for (int i = 0; i < bands.Count; i++)
        {
            var (label, (median, low, high)) = bands[i];
            if (median.Length == 0)
            {
                continue;
            }

            var color = Palette[i % Palette.Length];
            double[] xs = Xs(median.Length);
            var band = plot.Add.FillY(xs, Map(low, map), Map(high, map));
            band.FillStyle.Color = color.WithAlpha(0.2);
            band.LineStyle.Width = 0;
            var line = plot.Add.Scatter(xs, Map(median, map), color);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = label;
        }

        string yLabel = "f(x, y)";
        if (log)
        {
            double low = Math.Log10(finite.Min()), high = Math.Log10(finite.Max());
            yLabel += high - low > 8 ? DecadeAxis(plot, low, high) : LogAxis(plot, low, high);
        }

        plot.XLabel("step", size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.FontSize = 14;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"f along the paths: median of {data.Repeats?.Count ?? 1} random starts (line), min–max (band)"), size: 17);
        Save(plot, PanelWidth + 280, PanelHeight + 40, pathWithoutExtension, files);
    }

    /// <summary>For f spanning many decades (a path converging to 1e-30): a labelled tick every few decades, at most about 8.</summary>
    private static string DecadeAxis(Plot plot, double low, double high)
    {
        int stride = (int)Math.Ceiling((high - low) / 8);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int e = (int)Math.Floor(low / stride) * stride; e <= (int)Math.Ceiling(high); e += stride)
        {
            ticks.AddMajor(e, string.Create(CultureInfo.InvariantCulture, $"1e{e}"));
        }

        plot.Axes.Left.TickGenerator = ticks;
        double pad = (high - low) * 0.05;
        plot.Axes.SetLimitsY(low - pad, high + pad);
        return " (log scale)";
    }
}
