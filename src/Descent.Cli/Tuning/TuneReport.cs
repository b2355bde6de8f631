using System.Globalization;
using System.Net;
using System.Text;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary>The tuned configurations as an HTML and a console table.</summary>
internal static class TuneReport
{
    private static readonly string[] Headers = ["optimizer", "search space", "default", "tuned", "validation loss", "validation accuracy", "trials", "iterations spent"];

    public static string Html(TuneRecord tune)
    {
        var html = new StringBuilder("<h2>Tuning</h2>\n<p>");
        html.Append(WebUtility.HtmlEncode(string.Create(CultureInfo.InvariantCulture, $"Budget {tune.Budget} per optimizer; successive halving {tune.Plan}; {tune.Data}. Study: {tune.Study}.")))
            .Append(" Configurations were selected on the validation split; the comparison below (default and tuned, several seeds) is on the test set.</p>\n<table><tr>");
        foreach (string h in Headers)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var row in Rows(tune))
        {
            html.Append("<tr>");
            foreach (string cell in row)
            {
                html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</table>\n").ToString();
    }

    public static Table Table(TuneRecord tune)
    {
        var table = new Table().Title(Markup.Escape($"Tuned on the validation split, budget {tune.Budget} per optimizer"));
        table.AddColumns(Headers);
        foreach (var row in Rows(tune))
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }

        return table;
    }

    private static IEnumerable<string[]> Rows(TuneRecord tune) =>
        tune.Optimizers.Select(o => new[]
        {
            o.Optimizer,
            o.Space,
            o.Default,
            o.Tuned ?? "every configuration diverged",
            o.ValidationLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "–",
            o.ValidationAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "–",
            o.Trials.ToString(CultureInfo.InvariantCulture),
            o.Iterations.ToString(CultureInfo.InvariantCulture),
        });
}
