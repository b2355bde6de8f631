using System.Globalization;
using System.Net;
using System.Text;

namespace Descent.Cli.Lab;

/// <summary>Writes <c>report.html</c>: settings, seed, summary, and the figures inlined as SVG (one self-contained file).</summary>
internal static partial class Report
{
    public static string Write(RunRecord record, RunFolder folder)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Descent run ")
            .Append(Encode(record.Created)).Append("</title>\n<style>")
            .Append("body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:left}")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}code{background:#f3f3f3;padding:1px 4px}")
            .Append("</style></head><body>\n");
        html.Append("<h1>Descent: ").Append(Encode(record.Command)).Append("</h1>\n");
        html.Append("<p>Created ").Append(Encode(record.Created)).Append(". Seed: <b>")
            .Append(record.Seed is { } seed ? seed.ToString(CultureInfo.InvariantCulture) : "none (nothing random)")
            .Append("</b>. Flush denormals: ").Append(record.FlushDenormals ? "on" : "off").Append(".</p>\n");
        if (record.CommandLine.Length > 0)
        {
            html.Append("<p>Command line: <code>").Append(Encode(record.CommandLine)).Append("</code>. Descent ")
                .Append(Encode(record.Version)).Append(".</p>\n");
        }
        if (record.Interrupted)
        {
            html.Append("<p><b>Interrupted by Ctrl-C.</b> Each run stopped at a step boundary; the tables say where, and the figures end each partial curve there.</p>\n");
        }

        Divergences(html, record);

        html.Append("<h2>Settings</h2>\n<table>");
        foreach (var (key, value) in record.Settings)
        {
            html.Append("<tr><th>").Append(Encode(key)).Append("</th><td><code>").Append(Encode(value)).Append("</code></td></tr>");
        }

        html.Append("</table>\n");
        html.Append(Tuning.OptimizerDocText.HtmlSection(OptimizerNames(record)));

        if (record.TwoD is { } twoD)
        {
            html.Append("<h2>Trajectories on f(x, y) = ").Append(Encode(twoD.Formula)).Append("</h2>\n");
            html.Append("<table><tr><th>optimizer</th><th>spec</th><th>final x</th><th>final y</th><th>final f</th><th>note</th></tr>");
            foreach (var run in twoD.Runs)
            {
                html.Append("<tr><td>").Append(Encode(run.Label)).Append("</td><td><code>").Append(Encode(run.Optimizer)).Append("</code></td>")
                    .Append("<td class=n>").Append(Number(run.X[^1])).Append("</td><td class=n>").Append(Number(run.Y[^1]))
                    .Append("</td><td class=n>").Append(Number(run.Value[^1])).Append("</td><td>")
                    .Append(Encode(run.Outcome() ?? string.Empty))
                    .Append("</td></tr>");
            }

            html.Append("</table>\n");
            if (twoD.Repeats is not null)
            {
                html.Append(TwoDSeeds.Html(twoD));
            }

            Figure(html, folder, "trajectories");
            Figure(html, folder, "values");
            Figure(html, folder, "values_seeds");
        }

        if (record.Tune is { } tune)
        {
            html.Append(Tuning.TuneReport.Html(tune));
            Figure(html, folder, "budget");
        }

        if (record.Mnist is { } mnist)
        {
            html.Append("<h2>Training: ").Append(Encode(mnist.Network)).Append("</h2>\n<p>Data: ").Append(Encode(mnist.Data))
                .Append(string.Create(CultureInfo.InvariantCulture, $"; batch {mnist.BatchSize}; {mnist.Iterations} iterations; {mnist.Precision}."))
                .Append("</p>\n");
            html.Append("<table><tr><th>optimizer</th><th>spec</th><th>loss (mean of last 100)</th><th>test accuracy</th><th>time</th></tr>");
            foreach (var run in mnist.Runs)
            {
                html.Append("<tr><td>").Append(Encode(run.Label)).Append("</td><td><code>").Append(Encode(run.Optimizer)).Append("</code></td>")
                    .Append("<td class=n>").Append(Encode(RunOutput.FinalLoss(run)))
                    .Append("</td><td class=n>").Append(run.TestAccuracy is { } a ? a.ToString("P2", CultureInfo.InvariantCulture) + (run.EvaluatedAt is null ? string.Empty : " (at x)") : "–")
                    .Append("</td><td class=n>").Append(run.Seconds.ToString("F2", CultureInfo.InvariantCulture)).Append(" s</td></tr>");
            }

            html.Append("</table>\n");
            if (mnist.Runs.Any(r => r.EvaluatedAt is not null))
            {
                html.Append("<p>(at x): test accuracy at the ").Append(Encode(MnistExperiment.EvaluationPointNote)).Append(".</p>\n");
            }

            Figure(html, folder, "losses");
            if (mnist.Repeats is not null)
            {
                html.Append(SeedReport.Html(mnist));
                Figure(html, folder, "losses_seeds");
            }

            DiagnosticsSection(html, mnist, folder);
        }

        html.Append("<h2>Files</h2>\n<ul>");
        foreach (string file in Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).OfType<string>())
        {
            if (!file.EndsWith(".tmp", StringComparison.Ordinal) && file != "report.html")
            {
                html.Append("<li><a href=\"").Append(Uri.EscapeDataString(file)).Append("\">").Append(Encode(file)).Append("</a></li>");
            }
        }

        html.Append("</ul>\n<p>Redraw from the saved data: <code>descent plot ").Append(Encode(folder.Path)).Append("</code></p>\n</body></html>\n");
        string path = folder.File("report.html");
        RunFolder.WriteAtomically(path, html.ToString());
        return path;
    }

    /// <summary>Names each optimizer that diverged: its curve or path is kept up to there, the others completed.</summary>
    private static void Divergences(StringBuilder html, RunRecord record)
    {
        var notes = (record.TwoD?.Runs.Where(r => r.DivergedAt is not null).Select(r => (r.Label, Note: r.Outcome()!)) ?? [])
            .Concat(record.Mnist?.Runs.Where(r => r.DivergedAt is not null).Select(r => (r.Label, Note: r.Outcome()!)) ?? [])
            .ToList();
        if (notes.Count == 0)
        {
            return;
        }

        html.Append("<p><b>Diverged:</b> ");
        html.AppendJoin("; ", notes.Select(n => Encode($"{n.Label} {n.Note}")));
        html.Append(". A diverged run's loss (or f) became NaN or ∞; its curve is kept up to there and ends with a marker in the figures. The other runs completed.</p>\n");
    }

    private static void Figure(StringBuilder html, RunFolder folder, string name)
    {
        string svg = folder.File(name + ".svg");
        if (!File.Exists(svg))
        {
            return;
        }

        // Inline SVGs share one id space: prefix each figure's ids (clip paths) so figures cannot clip each other.
        string text = File.ReadAllText(svg)
            .Replace("id=\"", $"id=\"{name}-", StringComparison.Ordinal)
            .Replace("url(#", $"url(#{name}-", StringComparison.Ordinal)
            .Replace("href=\"#", $"href=\"#{name}-", StringComparison.Ordinal);
        int start = text.IndexOf("<svg", StringComparison.Ordinal);
        html.Append("<figure>").Append(start >= 0 ? text[start..] : text)
            .Append("<figcaption><a href=\"").Append(name).Append(".png\">").Append(name).Append(".png</a> · <a href=\"")
            .Append(name).Append(".svg\">").Append(name).Append(".svg</a></figcaption></figure>\n");
    }

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Every optimizer the run used, as its records name them ("spec (Name)"), for the report's list.</summary>
    private static IEnumerable<string> OptimizerNames(RunRecord record) =>
        (record.TwoD?.Runs.Select(r => r.Optimizer) ?? [])
            .Concat(record.Mnist?.Runs.Select(r => r.Optimizer) ?? [])
            .Concat(record.Tune?.Optimizers.Select(o => o.Optimizer) ?? []);
}
