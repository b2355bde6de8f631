using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Descent.Cli.Book;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>
/// <c>--check FILE</c> of compare and compare-mnist: each loss curve against the curve of the same name in a reference
/// file of the goldens' book schema (<c>{"loss": {name: [...]}}</c>), as PASS or FAIL against its tolerance.
/// </summary>
internal static class GoldenCheck
{
    /// <summary>
    /// Adam's tolerance. The golden's README: Adam's curve drifts to ~1e-3 relative between two BLAS builds of the
    /// book's own script (it amplifies rounding after ~1000 iterations), so it is compared loosely.
    /// </summary>
    public const double AdamTolerance = 1e-2;

    /// <summary>The tolerance of a curve and why: the book's losses at 1e-10 relative, Adam loosely.</summary>
    public static (double Tolerance, string? Why) ToleranceFor(string label) => label == "Adam"
        ? (AdamTolerance, "Adam drifts ~1e-3 with BLAS rounding (the golden's README)")
        : (BookCheck.LossTolerance, null);

    public static CheckRecord Compare(MnistRecord record, string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--check '{path}': no such file.");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (!json.RootElement.TryGetProperty("loss", out var losses) || losses.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no \"loss\" object of curves.");
        }

        var check = new CheckRecord { File = path };
        foreach (var run in record.Runs)
        {
            var (tolerance, why) = ToleranceFor(run.Label);
            var curve = new CheckedCurve { Label = run.Label, Tolerance = tolerance, ToleranceNote = why, Compared = 0 };
            check.Curves.Add(curve);
            if (!losses.TryGetProperty(run.Label, out var reference))
            {
                curve.Reason = $"no curve named '{run.Label}' in the reference (it has {string.Join(", ", losses.EnumerateObject().Select(p => p.Name))})";
                continue;
            }

            double[] expected = [.. reference.EnumerateArray().Select(e => e.GetDouble())];
            int n = Math.Min(expected.Length, run.Loss.Length);
            curve.Compared = n;
            curve.ReferenceLength = expected.Length;
            if (n == 0)
            {
                curve.Reason = "no iterations to compare";
                continue;
            }

            double worst = 0;
            int at = 0;
            for (int i = 0; i < n; i++)
            {
                double error = Math.Abs(run.Loss[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), double.Epsilon);
                if (double.IsNaN(error))
                {
                    error = double.PositiveInfinity;
                }

                if (error > worst)
                {
                    worst = error;
                    at = i;
                }
            }

            (curve.Difference, curve.At) = (worst, at);
        }

        return check;
    }

    /// <summary>The check as a terminal table: one row per curve with its verdict, difference and tolerance.</summary>
    public static Table Table(CheckRecord check)
    {
        var table = new Table().Title(Markup.Escape($"--check against {check.File}: {check.Curves.Count - check.Failed} of {check.Curves.Count} passed"));
        table.AddColumns("curve", "result", "largest relative difference", "at iteration", "tolerance", "compared");
        foreach (var c in check.Curves)
        {
            table.AddRow(
                Markup.Escape(c.Label),
                c.Passed ? "[green]PASS[/]" : "[red]FAIL[/]",
                Markup.Escape(c.DifferenceText),
                c.At?.ToString(CultureInfo.InvariantCulture) ?? "–",
                Markup.Escape(c.ToleranceText),
                Markup.Escape(c.ComparedText));
        }

        return table;
    }

    /// <summary>The check as a section of report.html.</summary>
    public static string Html(CheckRecord check)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<h2>Check against <code>").Append(E(check.File)).Append("</code></h2>\n<p>")
            .Append(CultureInfo.InvariantCulture, $"{check.Curves.Count - check.Failed} of {check.Curves.Count} curves passed: each loss curve against the reference's curve of the same name, the largest relative difference over the iterations both have.")
            .Append("</p>\n<table><tr><th>curve</th><th>result</th><th>largest relative difference</th><th>at iteration</th><th>tolerance</th><th>compared</th></tr>");
        foreach (var c in check.Curves)
        {
            html.Append("<tr><td>").Append(E(c.Label)).Append("</td><td><b style=\"color:").Append(c.Passed ? "#1a7f37\">PASS" : "#c62828\">FAIL").Append("</b></td>")
                .Append("<td class=n>").Append(E(c.DifferenceText)).Append("</td><td class=n>").Append(c.At?.ToString(CultureInfo.InvariantCulture) ?? "–")
                .Append("</td><td class=n>").Append(E(c.ToleranceText)).Append("</td><td>").Append(E(c.ComparedText)).Append("</td></tr>");
        }

        return html.Append("</table>\n").ToString();
    }
}

/// <summary>The outcome of <c>--check</c>, saved in run.json: the reference file and one result per curve.</summary>
internal sealed class CheckRecord
{
    public string File { get; set; } = string.Empty;

    public List<CheckedCurve> Curves { get; set; } = [];

    /// <summary>How many curves failed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Failed => Curves.Count(c => !c.Passed);
}

/// <summary>One curve of a check: its largest relative difference from the reference (null when it could not be compared).</summary>
internal sealed class CheckedCurve
{
    public string Label { get; set; } = string.Empty;

    /// <summary>The largest relative difference over the compared iterations; null when nothing was compared.</summary>
    public double? Difference { get; set; }

    /// <summary>The iteration of the largest difference.</summary>
    public int? At { get; set; }

    /// <summary>The iterations compared: those both the run and the reference have.</summary>
    public int Compared { get; set; }

    public int ReferenceLength { get; set; }

    public double Tolerance { get; set; }

    /// <summary>Why this curve has its tolerance, when it is not the book's 1e-10.</summary>
    public string? ToleranceNote { get; set; }

    /// <summary>Why the curve could not be compared (then it fails); null when it was.</summary>
    public string? Reason { get; set; }

    /// <summary>Compared, and within the tolerance.</summary>
    public bool Passed => Reason is null && Difference is { } d && d <= Tolerance;

    [System.Text.Json.Serialization.JsonIgnore]
    public string DifferenceText => Difference is { } d ? Numbers.Format(d, 2) : "–";

    [System.Text.Json.Serialization.JsonIgnore]
    public string ToleranceText => "≤ " + Numbers.Format(Tolerance, 1) + (ToleranceNote is null ? string.Empty : $" ({ToleranceNote})");

    [System.Text.Json.Serialization.JsonIgnore]
    public string ComparedText => Reason
        ?? (Compared < ReferenceLength
            ? string.Create(CultureInfo.InvariantCulture, $"the first {Compared} of the reference's {ReferenceLength} iterations")
            : string.Create(CultureInfo.InvariantCulture, $"all {Compared} iterations"));
}
