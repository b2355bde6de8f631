using System.Globalization;
using System.Text;
using Descent.Optimizers;

namespace Descent.Cli.Tuning;

/// <summary>
/// Renders an <see cref="OptimizerDoc"/> (the equations, reference and conventions kept beside each optimizer) as
/// terminal text and as HTML, and the one-line version the reports list for each optimizer they ran.
/// </summary>
internal static class OptimizerDocText
{
    /// <summary>The tiny problem every convention example runs on, in words.</summary>
    public static string Problem => string.Create(CultureInfo.InvariantCulture,
        $"f(θ) = ½Σaᵢθᵢ², a = ({string.Join(", ", ConventionProblem.Curvatures.Select(Number))}), from θ = ({string.Join(", ", ConventionProblem.Start.Select(Number))})");

    /// <summary>How explain prints a parameter value: enough digits to see a difference of one part in 10⁹.</summary>
    public static string Number(double value) => value.ToString("G9", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>How explain prints a difference between two sides.</summary>
    public static string Difference(double value) => value.ToString("G3", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>θ as a tuple.</summary>
    public static string Vector(IEnumerable<double> values, Func<double, string> format) => "(" + string.Join(", ", values.Select(format)) + ")";

    /// <summary>One line per optimizer: name, the update in short, the reference (for reports in Markdown or plain text).</summary>
    public static string Line(OptimizerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var doc = info.Doc;
        return $"{info.Name}: {EquationText.ToUnicode(doc.OneLine)} — {doc.Reference.Citation}; as {doc.Reference.Implementation}";
    }

    /// <summary>The same line in HTML, as an item of a list.</summary>
    public static string HtmlLine(OptimizerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var doc = info.Doc;
        return $"<li><b>{Encode(info.Name)}</b>: <span class=\"eq\">{EquationText.ToHtml(doc.OneLine)}</span> — {Encode(doc.Reference.Citation)}; as <code>{Encode(doc.Reference.Implementation)}</code></li>";
    }

    /// <summary>
    /// The "Optimizers" section of an HTML report: one line for each distinct optimizer among <paramref name="names"/>
    /// (catalog names or aliases; names the catalog does not know are left out, since a report must not fail on them).
    /// </summary>
    public static string HtmlSection(IEnumerable<string> names) =>
        Section(names, "<h2>Optimizers</h2>\n<ul>", HtmlLine, "</ul>\n<p>Each in full: <code>descent explain NAME</code>.</p>\n");

    /// <summary>The Markdown list of the same lines.</summary>
    public static string MarkdownSection(IEnumerable<string> names) =>
        Section(names, "## Optimizers\n\n", info => "- " + Line(info) + "\n", "\nEach in full: `descent explain NAME`.\n");

    /// <summary>
    /// The distinct catalog rows for names, optimizer specifications (<c>adam:lr=0.1</c>) or the lab's record form
    /// <c>adam:lr=0.1 (BookAdam)</c>, in first-seen order.
    /// </summary>
    public static IReadOnlyList<OptimizerInfo> Resolve(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var infos = new List<OptimizerInfo>();
        foreach (string name in names)
        {
            // The lab's records hold "spec (Name)", the name the spec resolved to under the run's conventions.
            int open = name.LastIndexOf(" (", StringComparison.Ordinal);
            string bare = open >= 0 && name.EndsWith(')') ? name[(open + 2)..^1] : name.Split(':', '(')[0].Trim();
            var info = OptimizerCatalog.TryFind(bare, out var found) ? found
                : OptimizerCatalog.ClosureOptimizers.FirstOrDefault(e => e.Aliases.Prepend(e.Name).Any(a => string.Equals(a, bare, StringComparison.OrdinalIgnoreCase)));
            if (info is not null && !infos.Contains(info))
            {
                infos.Add(info);
            }
        }

        return infos;
    }

    /// <summary>The whole explanation as a self-contained HTML page.</summary>
    public static string HtmlPage(OptimizerInfo info, string state)
    {
        ArgumentNullException.ThrowIfNull(info);
        var doc = info.Doc;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(info.Name)).Append("</title>\n<style>body{font-family:\"DejaVu Sans\",sans-serif;max-width:60em;margin:2em auto}")
            .Append(".eq{font-family:\"DejaVu Serif\",serif}td,th{padding:0.2em 0.6em;text-align:left}.when{color:#666}</style></head><body>\n");
        html.Append("<h1>").Append(Encode(info.Name)).Append("</h1>\n<p>").Append(Encode(info.Summary)).Append(" (")
            .Append(Encode(info.Convention.ToString())).Append(" convention; also ").Append(Encode(string.Join(", ", info.Aliases))).Append(").</p>\n");
        html.Append("<h2>Update, in the code's order</h2>\n<table>");
        foreach (var line in doc.Update)
        {
            html.Append("<tr><td class=\"eq\">").Append(EquationText.ToHtml(line.Math)).Append("</td><td class=\"when\">")
                .Append(line.When is null ? string.Empty : Encode(line.When)).Append("</td></tr>");
        }

        html.Append("</table>\n<h2>Reference</h2>\n<p>").Append(Encode(doc.Reference.Citation)).Append(". Matches <code>")
            .Append(Encode(doc.Reference.Implementation)).Append("</code>.</p>\n<h2>Conventions</h2>\n");
        foreach (var note in doc.Conventions)
        {
            html.Append("<h3>").Append(Encode(TopicName(note.Topic))).Append("</h3>\n<p>").Append(Encode(note.Text)).Append("</p>\n");
            if (note.Example is { } example)
            {
                var (left, right) = ConventionProblem.Run(example);
                html.Append("<p>").Append(Encode($"{left.Length} steps on {Problem}, η per step {string.Join(", ", example.LearningRates.Select(Number))}:")).Append("</p>\n<table><tr><th>step</th><th>")
                    .Append(Encode(example.Left)).Append("</th><th>").Append(Encode(example.Right)).Append("</th><th>right − left</th></tr>");
                for (int step = 0; step < left.Length; step++)
                {
                    html.Append("<tr><td>").Append(step + 1).Append("</td><td>").Append(Encode(Vector(left[step], Number)))
                        .Append("</td><td>").Append(Encode(Vector(right[step], Number))).Append("</td><td>")
                        .Append(Encode(Vector(right[step].Zip(left[step], (r, l) => r - l), Difference))).Append("</td></tr>");
                }

                html.Append("</table>\n");
            }
        }

        html.Append("<h2>Defaults and state</h2>\n<p><code>").Append(Encode(info.Defaults.ToString())).Append("</code></p>\n<p>")
            .Append(Encode(state)).Append("</p>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>A topic in words.</summary>
    public static string TopicName(ConventionTopic topic) => topic switch
    {
        ConventionTopic.Epsilon => "ε placement",
        ConventionTopic.BiasCorrection => "bias correction",
        ConventionTopic.WeightDecay => "weight decay",
        ConventionTopic.MomentumForm => "momentum form",
        ConventionTopic.Nesterov => "Nesterov form",
        ConventionTopic.Defaults => "defaults",
        _ => "formula",
    };

    /// <summary>A report's section: nothing when no name is in the catalog, since an empty list says nothing.</summary>
    private static string Section(IEnumerable<string> names, string heading, Func<OptimizerInfo, string> item, string footer)
    {
        var infos = Resolve(names);
        return infos.Count == 0 ? string.Empty : heading + string.Concat(infos.Select(item)) + footer;
    }

    private static string Encode(string text) => EquationText.Escape(text);
}
