using System.Globalization;
using System.Net;
using System.Text;
using Descent.Cli.Lab;
using ScottPlot;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench --out DIR</c>: the measurements as <c>bench.json</c>, the cost curves as <c>scaling.png</c> /
/// <c>scaling.svg</c>, and a self-contained <c>report.html</c> with both.
/// </summary>
internal static class BenchFigures
{
    public static IReadOnlyList<string> Write(BenchReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        string json = Path.Combine(directory, "bench.json");
        File.WriteAllText(json, report.ToJson());
        files.Add(json);
        string scaling = Path.Combine(directory, "scaling");
        Plots.Compose([OptimizerCurve(report), TrainCurve(report)], 2, 1, Header(report), scaling, files, panelWidth: 760, panelHeight: 560);
        string html = Path.Combine(directory, "report.html");
        File.WriteAllText(html, Html(report, File.ReadAllText(scaling + ".svg")));
        files.Add(html);
        return files;
    }

    /// <summary>Creates <paramref name="directory"/> if needed and checks a file can be written there.</summary>
    /// <exception cref="UsageException">It cannot.</exception>
    public static void CheckWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".descent-write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--out {directory}: cannot write there ({e.Message}); give a folder you can write to.");
        }
    }

    private static string Header(BenchReport report) => string.Create(
        CultureInfo.InvariantCulture,
        $"descent bench ({report.Mode}) on {report.Machine.Processor}, {report.Machine.ProcessorCount} logical processors, {report.Date}");

    /// <summary>Nanoseconds per parameter against the bytes a step touches, log–log, the data caches marked.</summary>
    private static Plot OptimizerCurve(BenchReport report)
    {
        var plot = Plots.NewPlot();
        int colour = 0;
        foreach (var group in report.Scaling.Optimizer.GroupBy(p => p.Name))
        {
            var points = group.OrderBy(p => p.WorkingSetBytes).ToArray();
            var line = plot.Add.Scatter(
                points.Select(p => Math.Log10(p.WorkingSetBytes)).ToArray(),
                points.Select(p => Math.Log10(p.NsPerParam)).ToArray(),
                Plots.Palette[colour++ % Plots.Palette.Length]);
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = group.Key + " step";
        }

        foreach (var cache in report.Machine.Caches)
        {
            var mark = plot.Add.VerticalLine(Math.Log10(cache.Kib * 1024.0), 1, Colors.Gray);
            mark.LinePattern = LinePattern.Dashed;
            mark.Text = string.Create(CultureInfo.InvariantCulture, $"L{cache.Level} {Bytes(cache.Kib * 1024)}");
            mark.LabelFontSize = 12;
            mark.LabelOppositeAxis = true;
        }

        // Powers of four in bytes read as sizes (1 KiB, 4 KiB…), where powers of ten would not.
        LogTicks(plot.Axes.Bottom, Enumerable.Range(3, 14).Select(k => Math.Pow(4, k)), Bytes);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
        };
        plot.XLabel("bytes the step touches (θ, g and state), log scale", size: 14);
        plot.YLabel("ns per parameter, log scale", size: 14);
        plot.Title(report.Machine.Caches.Count > 0 ? "Optimizer step: cost per parameter" : "Optimizer step: cost per parameter (cache sizes unknown here)", size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Picoseconds per necessary FLOP of the book network's iteration against the batch, the FMA peak as the floor.</summary>
    private static Plot TrainCurve(BenchReport report)
    {
        var plot = Plots.NewPlot();
        var points = report.Scaling.TrainStep.OrderBy(p => p.Batch).ToArray();
        var line = plot.Add.Scatter(
            points.Select(p => Math.Log10(p.Batch)).ToArray(),
            points.Select(p => 1e3 / p.Gflops).ToArray(),
            Plots.Palette[1]);
        line.LineWidth = 2;
        line.MarkerSize = 6;
        line.LegendText = "784-100×4-10 iteration, Adam";
        if (report.Machine.FmaGflopsAll > 0)
        {
            var floor = plot.Add.HorizontalLine(1e3 / report.Machine.FmaGflopsAll, 1.5f, Colors.Gray);
            floor.LinePattern = LinePattern.Dashed;
            floor.LegendText = string.Create(CultureInfo.InvariantCulture, $"FMA peak, all cores ({report.Machine.FmaGflopsAll:F0} GFLOP/s)");
        }

        LogTicks(plot.Axes.Bottom, points.Select(p => (double)p.Batch), v => v.ToString("G4", CultureInfo.InvariantCulture));
        plot.Axes.SetLimitsY(0, points.Length > 0 ? 1.1e3 / points.Min(p => p.Gflops) : 1);
        plot.XLabel("batch size, log scale", size: 14);
        plot.YLabel("ps per necessary FLOP", size: 14);
        plot.Title("Training iteration: cost per FLOP", size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Major ticks at the given values on an axis whose data are log10-mapped, labelled in the data's own units.</summary>
    private static void LogTicks(ScottPlot.IAxis axis, IEnumerable<double> values, Func<double, string> label)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double value in values)
        {
            ticks.AddMajor(Math.Log10(value), label(value));
        }

        axis.TickGenerator = ticks;
    }

    private static string Bytes(double bytes) =>
        bytes >= 1 << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 30):G3} GiB")
        : bytes >= 1 << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):G3} MiB")
        : bytes >= 1 << 10 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 10):G3} KiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes:G3} B");

    private static string Html(BenchReport report, string svg)
    {
        var m = report.Machine;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>descent bench ").Append(Encode(report.Date))
            .Append("</title>\n<style>body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1560px;margin:2em auto;padding:0 1em;color:#222}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:left}")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}</style></head><body>\n");
        html.Append("<h1>descent bench (").Append(Encode(report.Mode)).Append(")</h1>\n<p>").Append(Encode(report.Date)).Append(" on ")
            .Append(Encode(m.Processor)).Append(Invariant($", {m.ProcessorCount} logical processors, {m.VectorBits}-bit vectors. "))
            .Append(Invariant($"STREAM triad {m.TriadGbps:F1} GB/s (all cores), {m.TriadGbps1T:F1} GB/s (one thread); FMA peak {m.FmaGflopsAll:F0} GFLOP/s (all cores), {m.FmaGflops1T:F0} (one core). "))
            .Append("Data caches: ").Append(m.Caches.Count == 0 ? "unknown" : Encode(string.Join(", ", m.Caches.Select(c => $"L{c.Level} {Bytes(c.Kib * 1024)} ({c.Source})"))))
            .Append(".</p>\n");
        html.Append("<h2>How cost grows with size</h2>\n<p>Left: one optimizer step, nanoseconds per parameter against the bytes it touches; ")
            .Append("a flat stretch is a cache level's bandwidth, the rise at the small end is the fixed cost of a call. Right: the book network's ")
            .Append("training iteration, picoseconds per necessary FLOP (forward, ∂W, and ∂X of every layer but the first) against the batch; ")
            .Append("the dashed line is the all-core FMA peak measured in this run, the floor no iteration can go under.</p>\n");
        html.Append(svg[svg.IndexOf("<svg", StringComparison.Ordinal)..]).Append('\n');
        html.Append("<table><tr><th>optimizer</th><th>parameters</th><th>bytes touched</th><th>ms</th><th>ns / param</th><th>GB/s</th></tr>");
        foreach (var p in report.Scaling.Optimizer)
        {
            html.Append("<tr><td>").Append(Encode(p.Name)).Append("</td>")
                .Append(Invariant($"<td class=n>{p.Params:N0}</td><td class=n>{Bytes(p.WorkingSetBytes)}</td><td class=n>{Numbers.Format(p.Ms, 4)}</td><td class=n>{Numbers.Format(p.NsPerParam, 3)}</td><td class=n>{p.Gbps:F1}</td></tr>"));
        }

        html.Append("</table>\n<table><tr><th>batch</th><th>optimizer</th><th>ms</th><th>GFLOP/s (necessary)</th><th>of FMA peak</th></tr>");
        foreach (var p in report.Scaling.TrainStep)
        {
            html.Append(Invariant($"<tr><td class=n>{p.Batch}</td><td>{p.Optimizer}</td><td class=n>{p.Ms:F3}</td><td class=n>{p.Gflops:F1}</td><td class=n>{p.FractionOfPeak:P0}</td></tr>"));
        }

        html.Append("</table>\n");
        html.Append(Tuning.OptimizerDocText.HtmlSection(report.Scaling.Optimizer.Select(p => p.Name).Concat(report.Scaling.TrainStep.Select(p => p.Optimizer))));
        html.Append("<p>Every number is in <code>bench.json</code> beside this file.</p>\n</body></html>\n");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
