using System.Globalization;
using System.Reflection;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>Saves a run (data, figures, report) and prints its summary and paths.</summary>
internal static class RunOutput
{
    /// <summary>
    /// Saves a comparison however it ended, names each optimizer that diverged and says whether Ctrl-C stopped it;
    /// returns the exit code: 130 when interrupted (what was computed is saved), 1 when every optimizer of the 2-D or
    /// the MNIST part diverged (nothing left to compare), 0 otherwise — a divergence among others is a result.
    /// </summary>
    /// <param name="console">Where the summary goes.</param>
    /// <param name="record">The run.</param>
    /// <param name="folder">Where it is saved.</param>
    /// <param name="interruption">Whether Ctrl-C was pressed.</param>
    /// <param name="timings">The phases timed so far (saving, plotting and the report are added).</param>
    /// <param name="printTimings">Print the timings line (<c>--timings</c>).</param>
    public static int Conclude(IAnsiConsole console, RunRecord record, RunFolder folder, Interruption interruption, PhaseTimings? timings = null, bool printTimings = false)
    {
        record.Interrupted = (record.TwoD?.Runs.Any(r => r.InterruptedAt is not null) ?? false)
            || (record.Mnist is { } m && AllRuns(m).Any(r => r.InterruptedAt is not null));
        Finish(console, record, folder, timings);
        if (printTimings && timings is not null)
        {
            console.WriteLine(timings.Line());
        }

        bool allDiverged = NoteDivergences(console, record);
        if (interruption.Requested)
        {
            console.MarkupLine("Interrupted by Ctrl-C: the runs stopped at a step boundary; what they computed is saved, marked interrupted.");
            return Program.Interrupted;
        }

        if (allDiverged)
        {
            console.MarkupLine("[red]failed:[/] every optimizer diverged; there is nothing to compare.");
            return Program.RunFailure;
        }

        return 0;
    }

    /// <summary>Names each optimizer that diverged; returns whether every optimizer of the 2-D or the MNIST part did.</summary>
    public static bool NoteDivergences(IAnsiConsole console, RunRecord record)
    {
        var twoD = record.TwoD?.Runs ?? [];
        foreach (var run in twoD.Where(r => r.DivergedAt is not null))
        {
            console.MarkupLineInterpolated($"[yellow]note:[/] {run.Label}: the path {run.Outcome()} (x, y or f left the finite numbers); the step size is probably too large.");
        }

        var mnist = record.Mnist is { } data ? AllRuns(data).ToList() : [];
        foreach (var run in mnist.Where(r => r.DivergedAt is not null))
        {
            console.MarkupLineInterpolated(
                $"[yellow]note:[/] {run.Label}: the loss became {run.DivergedLoss?.ToString(CultureInfo.InvariantCulture) ?? "non-finite"} at iteration {run.DivergedAt}; the learning rate is probably too large. Its curve is kept up to there.");
        }

        return (twoD.Count > 0 && twoD.All(r => r.DivergedAt is not null)) || (mnist.Count > 0 && mnist.All(r => r.DivergedAt is not null));
    }

    /// <summary>Every run of a comparison: each seed's when it was repeated over seeds.</summary>
    private static IEnumerable<LossCurveRecord> AllRuns(MnistRecord mnist) =>
        mnist.Repeats is { } repeats ? repeats.SelectMany(s => s.Runs) : mnist.Runs;

    public static void Finish(IAnsiConsole console, RunRecord record, RunFolder folder, PhaseTimings? timings = null)
    {
        if (record.CommandLine.Length == 0)
        {
            record.CommandLine = TypedCommandLine(record.Command);
        }

        if (record.Version.Length == 0)
        {
            record.Version = DescentVersion;
        }

        // Timed only when the command keeps timings (compare's --timings); no clock is started otherwise.
        T Phase<T>(string name, Func<T> body) => timings is null ? body() : timings.Time(name, body);
        Phase("save", () =>
        {
            folder.SaveData(record);
            return 0;
        });
        Phase("plots", () => Plots.DrawAll(record, folder));
        string report = Phase("report", () => Report.Write(record, folder));
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
                    Markup.Escape(TwoDFinal(run)));
            }

            console.Write(table);
            if (twoD.Repeats is not null)
            {
                console.Write(TwoDSeeds.Table(twoD));
            }
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
                    Markup.Escape(FinalLoss(run)),
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

    /// <summary>This build's version, with the commit it was built from (<c>0.1.0+sha</c>).</summary>
    public static string DescentVersion { get; } =
        typeof(RunOutput).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// The command line as typed, from the process's arguments when this is the <c>descent</c> process; a host that
    /// calls the commands in-process (the tests) gets the command's name instead of its own arguments.
    /// </summary>
    private static string TypedCommandLine(string command)
    {
        if (Assembly.GetEntryAssembly() != typeof(RunOutput).Assembly)
        {
            return "descent " + command;
        }

        string[] args = Environment.GetCommandLineArgs();
        return string.Join(' ', ["descent", .. args.Skip(1).Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_=:.,/+[]@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'")]);
    }

    public static string Now() => DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>The final value of f, or where the path diverged; an interrupted path says where it stopped.</summary>
    public static string TwoDFinal(TrajectoryRecord run) =>
        run.DivergedAt is not null ? run.Outcome()!
        : run.InterruptedAt is not null ? $"{N(run.Value[^1])} ({run.Outcome()})"
        : N(run.Value[^1]);

    /// <summary>The final loss (mean of the last 100), or where the run diverged; an interrupted run says where it stopped.</summary>
    public static string FinalLoss(LossCurveRecord run) =>
        run.DivergedAt is not null ? run.Outcome()!
        : run.InterruptedAt is not null ? $"{(run.Loss.Length == 0 ? "–" : Numbers.Format(run.FinalLoss, 4))} ({run.Outcome()})"
        : Numbers.Format(run.FinalLoss, 4);

    private static string N(double v) => Numbers.Format(v, 6);
}
