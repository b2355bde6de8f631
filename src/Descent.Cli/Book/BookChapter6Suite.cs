using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Cli.Lab;
using Descent.Cli.Verification;

namespace Descent.Cli.Book;

/// <summary>
/// <c>descent verify</c> for the chapter-6 files (<c>book/ch6/*.json</c> and the two schema-only kinds): runs the
/// matching experiment under <c>--reproduce-book</c> and compares it curve by curve with the file. A whole file is one
/// experiment, so this suite takes the file rather than its sections. <c>--float</c> does not apply: the book's numbers
/// are float64.
/// </summary>
internal sealed class BookChapter6Suite : IGoldenFileSuite
{
    public string Name => "book chapter 6";

    public bool Accepts(JsonElement root) => BookCheck.KindOf(root) is not null;

    public IEnumerable<GoldenResult> Run(JsonElement root, VerifySettings settings)
    {
        var kind = BookCheck.KindOf(root)!.Value;
        var search = kind == BookKind.HyperparameterSearch ? new SearchOptions(root.GetProperty("trials").GetArrayLength()) : null;
        var data = kind == BookKind.ActivationHistograms ? null : LabDataLoader.Load(null);
        var book = new BookSettings { ReproduceBook = true };
        JsonObject run = Chapter6.Run(kind, data, book, work => Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = book.Parallelism }, w => w.Work(NoProgress.Instance)), search);
        using var document = JsonDocument.Parse(BookJson.Write(run));
        return [.. BookCheck.Compare(document.RootElement, root).Select(r => r with { Case = $"{Chapter6.FileName(kind)}: {r.Case}" })];
    }

    private sealed class NoProgress : IProgressReporter
    {
        public static readonly NoProgress Instance = new();

        public void Report(long done, double loss)
        {
        }
    }
}
