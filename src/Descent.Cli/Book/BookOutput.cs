using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli.Book;

/// <summary>Saves a chapter-6 run: its data in the goldens' schema, the figures, the report; then the check.</summary>
internal static class BookOutput
{
    public static int Finish(IAnsiConsole console, BookKind kind, JsonObject result, RunFolder folder, string? checkFile, BookSettings settings)
    {
        var files = new List<string>();
        string text = BookJson.Write(result);
        RunFolder.WriteAtomically(folder.File(Chapter6.FileName(kind)), text, files);
        using var document = JsonDocument.Parse(text);
        BookPlots.Draw(kind, document.RootElement, folder, files);
        string report = BookReport.Write(kind, document.RootElement, folder, settings);
        files.Add(report);
        console.MarkupLineInterpolated($"Run folder: [bold]{folder.Path}[/]");
        foreach (string file in files)
        {
            console.MarkupLineInterpolated($"            {Path.GetFileName(file)}");
        }

        console.WriteLine(BookReport.Summary(kind, document.RootElement));
        if (checkFile is not null)
        {
            return BookCommand.PrintCheck(console, checkFile, document.RootElement, settings.Prefix is not null) ? 0 : Program.RunFailure;
        }

        return 0;
    }
}
