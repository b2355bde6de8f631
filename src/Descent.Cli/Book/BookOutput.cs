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
        BookCheckResult? check = null;
        if (checkFile is not null)
        {
            using var reference = JsonDocument.Parse(File.ReadAllText(checkFile));
            check = new BookCheckResult(checkFile, BookCheck.Compare(document.RootElement, reference.RootElement, settings.Prefix is not null));
        }

        string report = BookReport.Write(kind, document.RootElement, folder, settings, files, check);
        files.Add(report);
        console.MarkupLineInterpolated($"Run folder: [bold]{folder.Path}[/]");
        foreach (string file in files)
        {
            console.MarkupLineInterpolated($"            {Path.GetFileName(file)}");
        }

        console.WriteLine(BookReport.Summary(kind, document.RootElement));
        if (check is not null)
        {
            return BookCommand.PrintCheck(console, check) ? 0 : Program.RunFailure;
        }

        return 0;
    }
}

/// <summary>A chapter-6 run's <c>--check</c>: the reference file and one result per curve.</summary>
internal sealed record BookCheckResult(string File, List<Verification.GoldenResult> Results);
