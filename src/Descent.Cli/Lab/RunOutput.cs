using System.Globalization;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>Saves a finished run (data, figures, report) and prints its summary and paths.</summary>
internal static class RunOutput
{
    public static void Finish(IAnsiConsole console, RunRecord record, RunFolder folder, PhaseTimings? timings = null)
    {
        timings ??= new PhaseTimings();
        timings.Time("save", () => folder.SaveData(record));
        timings.Time("plots", () => Plots.DrawAll(record, folder));
        string report = timings.Time("report", () => Report.Write(record, folder));
        PrintSummary(console, record);
        console.MarkupLineInterpolated($"Run folder: [bold]{folder.Path}[/]");
        console.MarkupLineInterpolated($"Report:     [bold]{report}[/]");
        foreach (string name in new[] { "trajectories.png", "losses.png", "run.json" })
        {
            if (File.Exists(folder.File(name)))
            {
                console.MarkupLineInterpolated($"            {folder.File(name)}");
            }
        }
    }

    public static void PrintSummary(IAnsiConsole console, RunRecord record)
    {
        if (record.TwoD is { } twoD)
        {
            var table = new Table().Title(Markup.Escape($"f(x, y) = {twoD.Formula}, {twoD.Steps} steps from ({twoD.StartX.ToString(CultureInfo.InvariantCulture)}, {twoD.StartY.ToString(CultureInfo.InvariantCulture)})"));
            table.AddColumns("optimizer", "spec", "final x", "final y", "final f");
            foreach (var run in twoD.Runs)
            {
                table.AddRow(
                    Markup.Escape(run.Label),
                    Markup.Escape(run.Optimizer),
                    N(run.X[^1]),
                    N(run.Y[^1]),
                    run.DivergedAt is { } k ? $"diverged at step {k}" : N(run.Value[^1]));
            }

            console.Write(table);
        }

        if (record.Tune is { } tune)
        {
            console.Write(Tuning.TuneReport.Table(tune));
        }

        if (record.Mnist is { } mnist)
        {
            var table = new Table().Title(Markup.Escape($"{mnist.Network}, {mnist.Iterations} iterations, batch {mnist.BatchSize}, {mnist.Precision}"));
            table.AddColumns("optimizer", "spec", "loss (mean of last 100)", "test accuracy", "time");
            foreach (var run in mnist.Runs)
            {
                table.AddRow(
                    Markup.Escape(run.Label),
                    Markup.Escape(run.Optimizer),
                    run.FinalLoss.ToString("F4", CultureInfo.InvariantCulture),
                    run.TestAccuracy is { } a ? a.ToString("P2", CultureInfo.InvariantCulture) + (run.EvaluatedAt is null ? string.Empty : " (at x)") : "–",
                    run.Seconds.ToString("F2", CultureInfo.InvariantCulture) + " s");
            }

            console.Write(table);
            if (mnist.Runs.Any(r => r.EvaluatedAt is not null))
            {
                console.WriteLine("(at x): test accuracy at the " + MnistExperiment.EvaluationPointNote + ".");
            }

            if (mnist.Repeats is not null)
            {
                console.Write(SeedReport.Table(mnist));
            }
        }
    }

    public static string Now() => DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string N(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
