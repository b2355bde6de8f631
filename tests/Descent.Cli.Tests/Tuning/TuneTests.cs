using System.Diagnostics;
using Descent.Cli.Tuning;

namespace Descent.Cli.Tests.Tuning;

public class TuneTests
{
    // Two optimizers, 9 then 3 configurations each (20 then 60 iterations): 24 trials, each a fraction of a second.
    private static readonly string[] Small =
        ["tune", "--optimizers", "sgd,adam", "--budget", "360", "--iterations", "60", "--rungs", "2", "--eta", "3", "--hidden", "16", "--batch-size", "32", "--seeds", "1", "--seed", "5"];

    [Fact]
    public void Tune_WritesTheTunedTable_DefaultVsTuned_AndTheBudgetPlot_AndStudyShowListsIt()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run([.. Small, "--threads", "2", "--out", folder]);
        Assert.True(code == 0, output);
        Assert.Contains("9×20 → 3×60", output, StringComparison.Ordinal);
        foreach (string file in new[] { "study.db", "budget.png", "budget.svg", "seeds.csv", "report.html", "run.json" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing");
        }

        string report = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(folder, "report.html")));
        foreach (string expected in new[] { "Tuning", "sgd default", "sgd tuned", "adam default", "adam tuned", "best validation loss so far" })
        {
            Assert.Contains(expected, report, StringComparison.Ordinal);
        }

        using (var study = Study.Open(Path.Combine(folder, "study.db")))
        {
            var trials = study.Trials();
            Assert.Equal(24, trials.Count);
            Assert.All(trials, t => Assert.True(t.State is TrialState.Complete or TrialState.Diverged, $"{t.Spec} is {t.State}"));
            Assert.All(trials.Where(t => t.Rung == 1), t => Assert.Contains(trials, p => p.Rung == 0 && p.Optimizer == t.Optimizer && p.ConfigIndex == t.ConfigIndex));
        }

        var (showCode, shown) = LabConsole.Run("study", "show", Path.Combine(folder, "study.db"), "--out", Path.Combine(folder, "show"));
        Assert.True(showCode == 0, shown);
        Assert.Contains("best adam", shown, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "show", "budget.png")));
    }

    [Fact]
    public void StudyShow_OfAMissingFile_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("study", "show", Path.Combine(LabConsole.TempFolder(), "none.db"));
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("none.db", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATuneKilledWithSigkill_ResumesToTheSameStudy_AndTwoProcessesShareOneStudy()
    {
        string reference = Path.Combine(LabConsole.TempFolder(), "study.db");
        var (code, output) = LabConsole.Run([.. Small, "--threads", "1", "--study", reference, "--out", LabConsole.TempFolder()]);
        Assert.True(code == 0, output);
        var expected = Outcome(reference);

        // Killed part-way, then run again with the same command: the same trials, the same results.
        string killed = Path.Combine(LabConsole.TempFolder(), "study.db");
        string[] args = [.. Small, "--threads", "1", "--study", killed, "--out", LabConsole.TempFolder()];
        using (var process = CliProcess.Start(args))
        {
            var clock = Stopwatch.StartNew();
            while (CompletedTrials(killed) < 3 && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(20);
            }

            Assert.False(process.HasExited, "the tune finished before it could be killed");
            process.Kill();
            process.WaitForExit();
        }

        Assert.InRange(CompletedTrials(killed), 3, 23);
        var (resumed, resumedOutput) = CliProcess.Run(args);
        Assert.True(resumed == 0, resumedOutput);
        Assert.Equal(expected, Outcome(killed));

        // Two processes at once on one file: every trial runs once, both take some, and the study is the same. Trials four
        // times longer than above, so that on a loaded machine the first process cannot finish them all while the second starts.
        string[] longer = [.. Small.Select((a, i) => i == 0 ? a : Small[i - 1] == "--budget" ? "1440" : Small[i - 1] == "--iterations" ? "240" : a), "--threads", "1"];
        string alone = Path.Combine(LabConsole.TempFolder(), "study.db");
        (code, output) = LabConsole.Run([.. longer, "--study", alone, "--out", LabConsole.TempFolder()]);
        Assert.True(code == 0, output);
        string shared = Path.Combine(LabConsole.TempFolder(), "study.db");
        using var first = CliProcess.Start([.. longer, "--study", shared, "--out", LabConsole.TempFolder()]);
        using var second = CliProcess.Start([.. longer, "--study", shared, "--out", LabConsole.TempFolder()]);
        var outputs = new[] { first, second }.Select(p => (p, Text: p.StandardOutput.ReadToEndAsync(), Errors: p.StandardError.ReadToEndAsync())).ToList();
        foreach (var (p, text, errors) in outputs)
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "a tune sharing the study did not finish");
            Assert.True(p.ExitCode == 0, await text + await errors);
        }

        Assert.Equal(Outcome(alone), Outcome(shared));
        using var study = Study.Open(shared);
        var trials = study.Trials();
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
        Assert.Equal(2, trials.Select(t => t.Owner).Distinct().Count());
    }

    [Fact]
    public async Task ATuneStoppedByCtrlC_Exits130_LeavesNoTrialRunning_AndResumesToTheSameStudy()
    {
        string reference = Path.Combine(LabConsole.TempFolder(), "study.db");
        var (code, output) = LabConsole.Run([.. Small, "--threads", "1", "--study", reference, "--out", LabConsole.TempFolder()]);
        Assert.True(code == 0, output);

        string interrupted = Path.Combine(LabConsole.TempFolder(), "study.db");
        string[] args = [.. Small, "--threads", "1", "--study", interrupted, "--out", LabConsole.TempFolder()];
        using (var process = CliProcess.Start(args))
        {
            var text = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            CliProcess.WaitFor(() => CompletedTrials(interrupted) >= 2, process);
            CliProcess.Signal(process, "INT");
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the tune did not stop after Ctrl-C");
            string printed = await text;
            Assert.True(process.ExitCode == Program.Interrupted, printed + await errors);
            Assert.Contains("Interrupted: the study keeps", printed, StringComparison.Ordinal);
        }

        using (var study = Study.Open(interrupted))
        {
            var trials = study.Trials();
            Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
            Assert.InRange(trials.Count(t => t.State is TrialState.Complete or TrialState.Diverged), 2, 23);
        }

        var (resumed, resumedOutput) = CliProcess.Run(args);
        Assert.True(resumed == 0, resumedOutput);
        Assert.Equal(Outcome(reference), Outcome(interrupted));
    }

    private static List<string> Outcome(string path)
    {
        using var study = Study.Open(path);
        return [.. study.Trials().Select(t => $"{t.Optimizer} {t.Rung} {t.ConfigIndex} {t.Spec} {t.Iterations} {t.State} {t.ValidationLoss:R} {t.ValidationAccuracy:R}")];
    }

    private static int CompletedTrials(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            using var study = Study.Open(path);
            return study.Trials().Count(t => t.State is TrialState.Complete or TrialState.Diverged);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidDataException)
        {
            // The file is being created by the process under test.
            return 0;
        }
    }
}
