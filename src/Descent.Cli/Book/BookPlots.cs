using System.Globalization;
using System.Text.Json;
using Descent.Cli.Lab;
using ScottPlot;

namespace Descent.Cli.Book;

/// <summary>Draws the chapter-6 figures from a run's saved data (the goldens' schema), laid out like the book's.</summary>
internal static class BookPlots
{
    public static void Draw(BookKind kind, JsonElement data, RunFolder folder, List<string> files)
    {
        LabFonts.EnsureInstalled();
        switch (kind)
        {
            case BookKind.ActivationHistograms:
                foreach (string activation in ActivationHistograms.Activations)
                {
                    Histograms(data, activation, folder.File("activations-" + activation.ToLowerInvariant()), files);
                }

                break;
            case BookKind.WeightInitCompare:
                WeightInit(data, folder.File("weight-init"), files);
                break;
            case BookKind.BatchNorm:
                var plot = Plots.NewPlot();
                BatchNormPanel(plot, data, legend: true);
                plot.Title("Batch normalisation, W scale " + Number(data.GetProperty("weight_init_std")), size: 17);
                Plots.Save(plot, 760, 520, folder.File("batch-norm"), files);
                break;
            case BookKind.BatchNormGrid:
                Grid(data, folder.File("batch-norm-grid"), files);
                break;
            case BookKind.OverfitWeightDecay:
                Accuracies(data, [("weight_decay_0", "fig 6-20: no weight decay"), ("weight_decay_0.1", "fig 6-21: weight decay λ = 0.1")], folder.File("weight-decay"), files);
                break;
            case BookKind.OverfitDropout:
                Accuracies(data, [("no_dropout", "fig 6-23 left: no dropout"), ("dropout_0.2", "fig 6-23 right: dropout 0.2")], folder.File("dropout"), files);
                Losses(data, folder.File("dropout-loss"), files);
                break;
            case BookKind.HyperparameterSearch:
                Search(data, folder.File("search"), files);
                break;
        }
    }

    private static string Number(JsonElement e) => BookJson.Number(e).ToString("G4", CultureInfo.InvariantCulture);

    private static double[] Xs(int n) => [.. Enumerable.Range(0, n).Select(i => (double)i)];

    private static void Line(Plot plot, double[] ys, int color, string? label, bool dashed = false, MarkerShape marker = MarkerShape.None, int markEvery = 0)
    {
        var ysShown = ys.Select(v => double.IsFinite(v) ? v : double.NaN).ToArray();
        var line = plot.Add.Scatter(Xs(ys.Length), ysShown, Plots.Palette[color]);
        line.LineWidth = 2;
        line.MarkerSize = 0;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }

        if (label is not null)
        {
            line.LegendText = label;
        }

        if (marker != MarkerShape.None && markEvery > 0)
        {
            var xs = Enumerable.Range(0, ys.Length).Where(i => i % markEvery == 0).ToArray();
            var marks = plot.Add.Scatter(xs.Select(i => (double)i).ToArray(), xs.Select(i => ysShown[i]).ToArray(), Plots.Palette[color]);
            marks.LineWidth = 0;
            marks.MarkerShape = marker;
            marks.MarkerSize = 8;
        }
    }

    private static void Histograms(JsonElement data, string activation, string path, List<string> files)
    {
        var panels = new List<Plot>();
        int rows = 0;
        foreach (var variant in data.GetProperty("variants").EnumerateArray().Where(v => v.GetProperty("activation").GetString() == activation))
        {
            rows++;
            foreach (var layer in variant.GetProperty("layers").EnumerateArray())
            {
                var counts = BookJson.NumberArray(layer.GetProperty("counts"));
                var plot = Plots.NewPlot();
                var bars = plot.Add.Bars(counts.Select((_, i) => (i + 0.5) / counts.Length).ToArray(), counts);
                foreach (var bar in bars.Bars)
                {
                    bar.Size = 0.9 / counts.Length;
                    bar.FillColor = Plots.Palette[0];
                    bar.LineWidth = 0;
                }

                string figure = variant.TryGetProperty("book_figure", out var f) && f.ValueKind == JsonValueKind.String ? $"  [{f.GetString()}]" : string.Empty;
                int l = layer.GetProperty("layer").GetInt32();
                plot.Title(l == 1 ? $"{variant.GetProperty("init").GetString()}{figure}  {l}-layer" : $"{l}-layer", size: 13);
                plot.XLabel(string.Create(CultureInfo.InvariantCulture, $"mean {BookJson.Number(layer.GetProperty("mean")):G3}, std {BookJson.Number(layer.GetProperty("std")):G3}"), size: 12);
                plot.Axes.SetLimitsX(0, 1);
                plot.Axes.SetLimitsY(0, Math.Max(1, counts.Max()) * 1.05);
                panels.Add(plot);
            }
        }

        Plots.Compose(panels, 5, rows, $"Activations of 5 layers of 100 ({activation}), histograms over [0, 1] in 30 bins; one row per weight scale", path, files, 330, 250);
    }

    private static void WeightInit(JsonElement data, string path, List<string> files)
    {
        var plot = Plots.NewPlot();
        var markers = new[] { MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledDiamond };
        int k = 0;
        foreach (var curve in data.GetProperty("loss").EnumerateObject())
        {
            // The book plots smooth_curve(train_loss) with a marker every 100 iterations.
            Line(plot, Plots.SmoothCurve(BookJson.NumberArray(curve.Value)), k, curve.Name, marker: markers[k % 3], markEvery: 100);
            k++;
        }

        plot.Axes.SetLimitsY(0, 2.5);
        plot.XLabel("iterations", size: 15);
        plot.YLabel("loss", size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title("fig 6-15: weight initialisation on MNIST (ReLU, SGD 0.01)", size: 17);
        Plots.Save(plot, 900, 560, path, files);
    }

    private static void BatchNormPanel(Plot plot, JsonElement run, bool legend)
    {
        var acc = run.GetProperty("train_acc");
        Line(plot, BookJson.NumberArray(acc.GetProperty("with_BN")), 0, legend ? "Batch Normalization" : null, marker: MarkerShape.FilledCircle, markEvery: 2);
        Line(plot, BookJson.NumberArray(acc.GetProperty("without_BN")), 1, legend ? "Normal (without BatchNorm)" : null, dashed: true, marker: MarkerShape.FilledCircle, markEvery: 2);
        plot.Axes.SetLimitsY(0, 1);
        plot.XLabel("epochs", size: 13);
        plot.YLabel("accuracy", size: 13);
        if (legend)
        {
            plot.ShowLegend(Alignment.LowerRight);
        }
    }

    private static void Grid(JsonElement data, string path, List<string> files)
    {
        var panels = new List<Plot>();
        foreach (var run in data.GetProperty("all_scales_seed0_each").EnumerateArray())
        {
            var plot = Plots.NewPlot();
            BatchNormPanel(plot, run, legend: run.GetProperty("index").GetInt32() == 15);
            plot.Title("W:" + Number(run.GetProperty("weight_init_std")), size: 14);
            panels.Add(plot);
        }

        Plots.Compose(panels, 4, 4, "fig 6-19: training accuracy with (solid) and without (dashed) batch normalisation, per initial weight scale", path, files, 380, 300);
    }

    private static void Accuracies(JsonElement data, (string Run, string Title)[] runs, string path, List<string> files)
    {
        var panels = new List<Plot>();
        foreach (var (name, title) in runs)
        {
            if (!data.GetProperty("runs").TryGetProperty(name, out var run))
            {
                continue;
            }

            var plot = Plots.NewPlot();
            Line(plot, BookJson.NumberArray(run.GetProperty("train_acc")), 0, "train", marker: MarkerShape.FilledCircle, markEvery: 10);
            Line(plot, BookJson.NumberArray(run.GetProperty("test_acc")), 1, "test", marker: MarkerShape.FilledSquare, markEvery: 10);
            plot.Axes.SetLimitsY(0, 1);
            plot.XLabel("epochs", size: 15);
            plot.YLabel("accuracy", size: 15);
            plot.ShowLegend(Alignment.LowerRight);
            plot.Title(title, size: 16);
            panels.Add(plot);
        }

        Plots.Compose(panels, panels.Count, 1, "Training on 300 images: accuracy on them (train) and on the 10,000 test images (test)", path, files);
    }

    private static void Losses(JsonElement data, string path, List<string> files)
    {
        var plot = Plots.NewPlot();
        int k = 0;
        foreach (var run in data.GetProperty("runs").EnumerateObject())
        {
            Line(plot, BookJson.NumberArray(run.Value.GetProperty("train_loss")), k++, run.Name);
        }

        plot.XLabel("iterations", size: 15);
        plot.YLabel("training loss (after each update)", size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title("The Trainer's train_loss with and without dropout", size: 17);
        Plots.Save(plot, 900, 560, path, files);
    }

    private static void Search(JsonElement data, string path, List<string> files)
    {
        var trials = data.GetProperty("trials").EnumerateArray().ToDictionary(t => t.GetProperty("trial").GetInt32());
        var panels = new List<Plot>();
        int rank = 0;
        foreach (var index in data.GetProperty("ranking").EnumerateArray().Take(20))
        {
            var trial = trials[index.GetInt32()];
            var plot = Plots.NewPlot();
            Line(plot, BookJson.NumberArray(trial.GetProperty("val_acc")), 0, null);
            Line(plot, BookJson.NumberArray(trial.GetProperty("train_acc")), 1, null, dashed: true);
            plot.Axes.SetLimitsY(0, 1);
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"Best-{++rank}  lr {BookJson.Number(trial.GetProperty("lr")):G2}, λ {BookJson.Number(trial.GetProperty("weight_decay")):G2}"), size: 12);
            panels.Add(plot);
        }

        int rows = Math.Max(1, (panels.Count + 4) / 5);
        Plots.Compose(panels, 5, rows, "fig 6-24: the best trials, validation (solid) and training (dashed) accuracy per epoch", path, files, 300, 230);
    }
}
