using System.Net;
using System.Text;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>A titled table of text cells (the first column a label, the others numbers) for the console and the report.</summary>
internal static class SummaryTable
{
    public static string Html(string title, IEnumerable<string> headers, IEnumerable<string[]> rows, string? note = null)
    {
        var html = new StringBuilder();
        html.Append("<h3>").Append(WebUtility.HtmlEncode(title)).Append("</h3>\n");
        if (note is not null)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(note)).Append("</p>\n");
        }

        html.Append("<table><tr>");
        foreach (string column in headers)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(column)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(row[0])).Append("</td>");
            foreach (string cell in row.Skip(1))
            {
                html.Append("<td class=n>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</table>\n").ToString();
    }

    public static Table Console(string title, IEnumerable<string> headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Title(Markup.Escape(title));
        table.AddColumns([.. headers]);
        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }

        return table;
    }
}
