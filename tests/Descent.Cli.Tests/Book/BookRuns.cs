using System.Text.Json;
using Descent.Cli.Book;
using Descent.Cli.Lab;
using Descent.Cli.Verification;
using Descent.Testing;

namespace Descent.Cli.Tests.Book;

/// <summary>Runs chapter-6 experiments in-process for the tests and compares them with the repository's goldens.</summary>
internal static class BookRuns
{
    public static readonly BookSettings Book = new() { ReproduceBook = true, Parallelism = 2 };

    private static readonly Lazy<LabData> Data = new(() => LabDataLoader.Load(null));

    public static LabData Mnist => Data.Value;

    public static JsonDocument Run(BookKind kind, BookSettings settings, SearchOptions? search = null)
    {
        var data = kind == BookKind.ActivationHistograms ? null : Mnist;
        var run = Chapter6.Run(kind, data, settings, work => Parallel.ForEach(work, w => w.Work(NoProgress.Instance)), search);
        return JsonDocument.Parse(BookJson.Write(run));
    }

    public static List<GoldenResult> RunAndCompare(BookKind kind, string golden, int? prefix)
    {
        using var run = Run(kind, Book with { Prefix = prefix });
        using var reference = Goldens.Load("book/ch6/" + golden);
        return BookCheck.Compare(run.RootElement, reference.RootElement, prefix is not null);
    }

    public static void AssertAllPass(List<GoldenResult> results, int expectedCurves)
    {
        Assert.Equal(expectedCurves, results.Count);
        var failed = results.Where(r => !r.Passed).Select(r => $"{r.Case}: {r.MaxRelativeError:E2} > {r.Tolerance:E0} {r.Reason}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    public sealed class NoProgress : IProgressReporter
    {
        public static readonly NoProgress Instance = new();

        public void Report(long done, double loss)
        {
        }
    }
}
