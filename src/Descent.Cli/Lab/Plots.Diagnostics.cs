using System.Globalization;
using ScottPlot;

namespace Descent.Cli.Lab;

/// <summary>The diagnostics figure: one row per quantity, one column per layer, the optimizers overlaid in each panel.</summary>
internal static partial class Plots
{
    private const int DiagnosticsPanelWidth = 400;
    private const int DiagnosticsPanelHeight = 300;

    /// <summary>The runs whose diagnostics the figure draws: the first seed's, in the order of the loss figure (so colours match).</summary>
    public static bool HasDiagnostics(MnistRecord data) => data.Runs.Any(r => r.Diagnostics is { Iterations.Length: > 0 });

    public static void DrawDiagnostics(MnistRecord data, string pathWithoutExtension, List<string> files)
    {
        var runs = data.Runs.Select((r, i) => (Run: r, Color: Palette[i % Palette.Length])).Where(r => r.Run.Diagnostics is { Iterations.Length: > 0 }).ToList();
        var layers = runs.Select(r => r.Run.Diagnostics!.Layers).MaxBy(l => l.Count) ?? [];
        var rows = new List<(string Title, Func<DiagnosticsRecord, int, (double[] Line, double[]? Low, double[]? High)?> Pick)>
        {
            ("gradient norm ‖g‖", (d, l) => (d.GradientNorm[l], null, null)),
            ("update norm ‖Δθ‖", (d, l) => (d.UpdateNorm[l], null, null)),
            ("update / weight ‖Δθ‖/‖θ‖", (d, l) => (d.UpdateRatio[l], null, null)),
        };
        if (runs.Any(r => r.Run.Diagnostics!.EffectiveStepP50 is not null))
        {
            rows.Add(("effective step: median, 10–90 % band", (d, l) => d.EffectiveStepP50 is null ? null : (d.EffectiveStepP50[l], d.EffectiveStepP10![l], d.EffectiveStepP90![l])));
        }

        var panels = new List<Plot>();
        foreach (var (title, pick) in rows)
        {
            for (int l = 0; l < layers.Count; l++)
            {
                int layer = l;
                var series = runs
                    .Where(r => layer < r.Run.Diagnostics!.Layers.Count)
                    .Select(r => (r.Run.Label, r.Color, Xs: r.Run.Diagnostics!.Iterations.Select(i => (double)i).ToArray(), Values: pick(r.Run.Diagnostics!, layer)))
                    .ToList();
                panels.Add(DiagnosticsPanel($"{title} · {layers[l]}", series, legend: panels.Count == 0));
            }
        }

        bool anyFraction = runs.Any(r => r.Run.Diagnostics!.NonFiniteFraction.Concat(r.Run.Diagnostics!.ClippedFraction).Any(v => v != 0));
        if (anyFraction)
        {
            var series = runs.SelectMany(r => new[]
            {
                (r.Run.Label + " non-finite", r.Color, Xs: r.Run.Diagnostics!.Iterations.Select(i => (double)i).ToArray(), Values: ((double[], double[]?, double[]?)?)(r.Run.Diagnostics!.NonFiniteFraction, null, null)),
                (r.Run.Label + " clipped", r.Color.WithAlpha(0.55), Xs: r.Run.Diagnostics!.Iterations.Select(i => (double)i).ToArray(), Values: ((double[], double[]?, double[]?)?)(r.Run.Diagnostics!.ClippedFraction, null, null)),
            }).ToList();
            panels.Add(DiagnosticsPanel("skipped (non-finite) and clipped steps, fraction", series, legend: true, log: false));
        }

        int columns = Math.Max(1, layers.Count);
        int rowCount = rows.Count + (anyFraction ? 1 : 0);
        int every = runs.Count > 0 ? runs[0].Run.Diagnostics!.Every : 0;
        string header = string.Create(CultureInfo.InvariantCulture, $"Diagnostics per layer, every {every} iterations: {string.Join(", ", runs.Select(r => r.Run.Label))}");
        Compose(panels, columns, rowCount, header, pathWithoutExtension, files, DiagnosticsPanelWidth, DiagnosticsPanelHeight);
    }

    /// <summary>One quantity of one layer: a line per optimizer (with its band when given), log y when positive over decades.</summary>
    private static Plot DiagnosticsPanel(string title, List<(string Label, Color Color, double[] Xs, (double[] Line, double[]? Low, double[]? High)? Values)> series, bool legend, bool log = true)
    {
        var finite = series.Where(s => s.Values is not null)
            .SelectMany(s => s.Values!.Value.Line.Concat(s.Values.Value.Low ?? []).Concat(s.Values.Value.High ?? []))
            .Where(double.IsFinite).ToArray();
        log = log && finite.Length > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 20;
        Func<double, double> map = log ? Math.Log10 : v => v;
        var plot = NewPlot();
        foreach (var (label, color, xs, values) in series)
        {
            if (values is not { } v)
            {
                continue;
            }

            if (v.Low is not null && v.High is not null)
            {
                var band = plot.Add.FillY(xs, Map(v.Low, map), Map(v.High, map));
                band.FillStyle.Color = color.WithAlpha(0.15);
                band.LineStyle.Width = 0;
            }

            var line = plot.Add.Scatter(xs, Map(v.Line, map), color);
            line.MarkerSize = xs.Length <= 30 ? 3 : 0;
            line.LineWidth = 1.8f;
            line.LegendText = label;
        }

        string yLabel = string.Empty;
        if (log)
        {
            yLabel = LogAxis(plot, Math.Log10(finite.Min()), Math.Log10(finite.Max())).Trim();
        }

        plot.Title(title, size: 13);
        plot.XLabel("iteration", size: 12);
        plot.YLabel(yLabel, size: 12);
        if (legend)
        {
            plot.ShowLegend(Alignment.UpperRight);
            plot.Legend.FontSize = 11;
        }
        else
        {
            // One legend for the figure: the colours are the same in every panel.
            plot.Legend.IsVisible = false;
        }

        return plot;
    }
}
