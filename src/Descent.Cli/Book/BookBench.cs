using System.Diagnostics;
using System.Globalization;
using Descent.Cli.Lab;

namespace Descent.Cli.Book;

/// <summary>One chapter-6 command timed in one mode, next to the book's NumPy run of the same work.</summary>
/// <param name="Command">The <c>descent book</c> subcommand.</param>
/// <param name="Mode">Default (float32) or --reproduce-book.</param>
/// <param name="NumPySeconds">The book's NumPy run of the same scripts, CPU seconds.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="CpuSeconds">Processor time of the whole process over the run (all threads): on a machine shared with other work, the fairer comparison with NumPy's single-threaded CPU time.</param>
/// <param name="Extrapolated">Timed on a share of the iterations and scaled up (--quick).</param>
/// <param name="Goal">The speed-up asked for: 10× by default, 2× under --reproduce-book.</param>
internal sealed record BookBenchRow(string Command, string Mode, double NumPySeconds, double Seconds, double CpuSeconds, bool Extrapolated, double Goal)
{
    public double Speedup => NumPySeconds / Seconds;

    public double CpuSpeedup => NumPySeconds / CpuSeconds;

    public bool Met => Speedup >= Goal;
}

/// <summary>
/// <c>descent bench --book</c>: each chapter-6 command on its default settings (float32) and under
/// <c>--reproduce-book</c>, against the NumPy reference's CPU time for the same scripts. Goals: ≥ 10× in the default
/// mode, ≥ 2× under <c>--reproduce-book</c>.
/// </summary>
internal static class BookBench
{
    /// <summary>
    /// NumPy CPU seconds (Python 3.11, NumPy 1.24, reference BLAS, one thread) for what each command runs: the goldens'
    /// <c>check.cpu_time_s</c> (summed over the two scripts where a command runs both), and issue 13's figures for the
    /// grid (the book's batch_norm_test.py, 16 scales) and the search (100 trials), which have no golden file.
    /// </summary>
    public static readonly (string Command, BookKind Kind, double NumPySeconds, int ScriptIterations)[] Reference =
    [
        ("activations", BookKind.ActivationHistograms, 12 * 0.034, 1),
        ("init", BookKind.WeightInitCompare, 171.488, 2000),
        ("batch-norm", BookKind.BatchNorm, 11.359, 191),
        ("batch-norm --grid", BookKind.BatchNormGrid, 168, 191),
        ("weight-decay", BookKind.OverfitWeightDecay, 124.217 + 116.929, 601),
        ("dropout", BookKind.OverfitDropout, 186.322 + 181.621, 903),
        ("search", BookKind.HyperparameterSearch, 667, 200),
    ];

    /// <summary>
    /// Times every command in both modes. <paramref name="fraction"/> &lt; 1 runs that share of each training's
    /// iterations (and of the search's trials) and scales the time up, marked as extrapolated.
    /// </summary>
    public static List<BookBenchRow> Run(double fraction, TextWriter progress)
    {
        var data = LabDataLoader.Load(null);
        var rows = new List<BookBenchRow>();
        foreach (bool book in new[] { false, true })
        {
            foreach (var (command, kind, numpy, iterations) in Reference)
            {
                bool cut = fraction < 1 && kind != BookKind.ActivationHistograms;
                int? prefix = cut ? Math.Max(1, (int)Math.Round(iterations * fraction)) : null;
                var settings = new BookSettings { ReproduceBook = book, Prefix = prefix };
                int trials = cut ? Math.Max(1, (int)Math.Round(100 * fraction)) : 100;
                var search = kind == BookKind.HyperparameterSearch ? new SearchOptions(trials) : null;
                string mode = book ? "--reproduce-book" : "default (float32)";
                progress.WriteLine($"bench: book {command} {mode}{(cut ? string.Create(CultureInfo.InvariantCulture, $" (prefix {prefix} iterations)") : string.Empty)}…");
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                long start = Stopwatch.GetTimestamp();
                Chapter6.Run(kind, data, settings, work => Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism }, w => w.Work(Silent.Instance)), search);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

                // A search cut to a share of its trials and of their iterations shrinks by both.
                double scale = !cut ? 1 : iterations / (double)prefix!.Value * (kind == BookKind.HyperparameterSearch ? 100.0 / trials : 1);
                rows.Add(new BookBenchRow(command, mode, numpy, seconds * scale, cpuSeconds * scale, cut, book ? 2 : 10));
            }
        }

        return rows;
    }

    private sealed class Silent : IProgressReporter
    {
        public static readonly Silent Instance = new();

        public void Report(long done, double loss)
        {
        }
    }
}
