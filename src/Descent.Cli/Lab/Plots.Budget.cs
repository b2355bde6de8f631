using System.Globalization;
using Descent.Cli.Tuning;
using ScottPlot;

namespace Descent.Cli.Lab;

/// <summary>The tuning figure: each optimizer's best validation loss so far against the iterations its search spent.</summary>
internal static partial class Plots
{
    public static void DrawBudget(TuneRecord tune, string pathWithoutExtension, List<string> files)
    {
        var plot = NewPlot();
        for (int i = 0; i < tune.Optimizers.Count; i++)
        {
            var o = tune.Optimizers[i];
            var line = plot.Add.Scatter(o.BudgetSpent, Map(o.BudgetBest, v => v), Palette[i % Palette.Length]);
            line.MarkerSize = 4;
            line.LineWidth = 2;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LegendText = o.Tuned is null ? o.Optimizer + " (all diverged)" : o.Optimizer;
        }

        plot.XLabel("iterations spent by the search", size: 15);
        plot.YLabel("best validation loss so far", size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.FontSize = 14;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Successive halving {tune.Plan}"), size: 15);
        Save(plot, 900, 560, pathWithoutExtension, files);
    }
}
