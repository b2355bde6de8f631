using System.Globalization;
using ScottPlot;

namespace Descent.Cli.Lab;

/// <summary>The seeds figure: each optimizer's median smoothed loss with its min–max band across seeds.</summary>
internal static partial class Plots
{
    public static void DrawBands(MnistRecord data, bool linearY, string pathWithoutExtension, List<string> files)
    {
        var summaries = SeedStatistics.Summarize(data);
        var finite = summaries.SelectMany(s => s.Low.Concat(s.High)).Where(double.IsFinite).ToArray();
        bool log = !linearY && finite.Length > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 20;
        Func<double, double> map = log ? Math.Log10 : v => v;
        var plot = NewPlot();
        for (int i = 0; i < summaries.Count; i++)
        {
            var s = summaries[i];
            if (s.Median.Length == 0)
            {
                continue;
            }

            var color = Palette[i % Palette.Length];
            double[] xs = Xs(s.Median.Length);
            var band = plot.Add.FillY(xs, Map(s.Low, map), Map(s.High, map));
            band.FillStyle.Color = color.WithAlpha(0.2);
            band.LineStyle.Width = 0;
            var line = plot.Add.Scatter(xs, Map(s.Median, map), color);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = s.Label + (s.Diverged > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({s.Diverged} diverged)") : string.Empty);
        }

        string yLabel = "training loss, smoothed";
        if (linearY)
        {
            // The book's figure 6-9 axis (plt.ylim(0, 1)), raised only when a median ends above 1.
            double last = summaries.Select(s => s.Median.LastOrDefault(double.IsFinite)).DefaultIfEmpty(0).Max();
            plot.Axes.SetLimitsY(0, Math.Max(1, last * 1.1));
            yLabel += last * 1.1 > 1 ? " (linear)" : " (linear, 0–1 as the book)";
        }
        else if (log && finite.Length > 0)
        {
            yLabel += LogAxis(plot, Math.Log10(finite.Min()), Math.Log10(finite.Max()));
        }

        int seeds = data.Repeats?.Count ?? 1;
        plot.XLabel("iteration", size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.FontSize = 14;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"median of {seeds} seeds (line), min–max across seeds (band)"), size: 17);
        Save(plot, 900, 560, pathWithoutExtension, files);
    }
}
