using System.Text;
using System.Text.Json;
using Descent.Cli.Lab;
using Descent.Functions;
using Spectre.Console;

namespace Descent.Cli.Tests.Lab;

/// <summary>
/// A comparison survives its failures: an optimizer that diverges is marked where it did (table, files, figure,
/// report) while the others finish and the run folder is written (exit 0; 1 only when every optimizer diverged);
/// Ctrl-C saves the partial curves marked interrupted and exits 130.
/// </summary>
public class RunsSurviveFailureTests
{
    [Fact]
    public void DivergingOptimizer_IsMarkedEverywhere_TheOtherCompletes_AndTheCommandSucceeds()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-mnist", "-o", "sgd:lr=1000", "-o", "adam:lr=0.001", "--iterations", "12", "--out", folder);
        Assert.True(code == 0, output);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs");
        long k = runs[0].GetProperty("DivergedAt").GetInt64();
        Assert.Equal(k, runs[0].GetProperty("Loss").GetArrayLength());
        Assert.All(runs[0].GetProperty("Loss").EnumerateArray(), e => Assert.True(double.IsFinite(e.GetDouble())));
        Assert.False(runs[0].TryGetProperty("TestAccuracy", out _), "a diverged network is not evaluated");
        Assert.False(runs[1].TryGetProperty("DivergedAt", out _));
        Assert.Equal(12, runs[1].GetProperty("Loss").GetArrayLength());
        Assert.InRange(runs[1].GetProperty("TestAccuracy").GetDouble(), 0.2, 1);
        Assert.False(json.RootElement.GetProperty("Interrupted").GetBoolean());

        string marked = $"diverged at iteration {k}";
        Assert.Contains(marked, output, StringComparison.Ordinal);
        Assert.Contains($"sgd:lr=1000: the loss became", output, StringComparison.Ordinal);
        string[] summary = File.ReadAllLines(Path.Combine(folder, "summary.csv"));
        Assert.EndsWith("," + marked, summary[1], StringComparison.Ordinal);
        Assert.EndsWith(",completed", summary[2], StringComparison.Ordinal);
        Assert.Contains(marked, File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Assert.Contains("sgd:lr=1000 " + marked, File.ReadAllText(Path.Combine(folder, "losses.svg")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "losses.png")));
    }

    [Fact]
    public void EveryOptimizerDiverging_FailsTheCommand_ButStillWritesTheRunFolder()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-mnist", "-o", "sgd:lr=1e20", "-o", "momentum:lr=1e20", "--iterations", "5", "--hidden", "16", "--out", folder);
        Assert.True(code == Program.RunFailure, output);
        Assert.Contains("every optimizer diverged", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "run.json")));
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void DivergingPath_InCompare2d_IsMarked_AndTheOthersComplete()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-2d", "-f", "rosenbrock", "--steps", "40", "-o", "sgd:lr=0.5", "-o", "adam:lr=0.01", "--out", folder);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("TwoD").GetProperty("Runs");
        int k = runs[0].GetProperty("DivergedAt").GetInt32();
        Assert.Equal(k, runs[0].GetProperty("X").GetArrayLength());
        Assert.Equal(41, runs[1].GetProperty("X").GetArrayLength());
        Assert.Contains($"diverged at step {k}", output, StringComparison.Ordinal);
        Assert.Contains($"diverged at step {k}", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Assert.Contains($"diverged at step {k}", File.ReadAllText(Path.Combine(folder, "trajectories.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void StoppedTwoDExperiment_MarksEveryPathInterruptedWhereItStopped()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var record = TwoDExperiment.Run(TestFunction.Bowl, TestFunction.Bowl.Start, 30, TwoDExperiment.BookOptimizers, Conventions.Book, stop.Token);
        Assert.All(record.Runs, run =>
        {
            Assert.Equal(0, run.InterruptedAt);
            Assert.Single(run.X);
            Assert.Equal("interrupted at step 0", run.Outcome());
        });
    }

    [Fact]
    public void Interruption_ShowsTheCursorAgain()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.Yes, Out = new AnsiConsoleOutput(writer) });
        using (var interruption = new Interruption(console))
        {
            interruption.Request();
            Assert.True(interruption.Token.IsCancellationRequested);
        }

        Assert.Contains("\u001b[?25h", writer.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compare-mnist", "-o", "sgd:lr=0.05", "-o", "adam:lr=0.001")]
    [InlineData("compare")]
    public void CtrlC_MidRun_SavesThePartialCurvesMarkedInterrupted_AndExits130(params string[] command)
    {
        const int Iterations = 2_000_000;
        string folder = LabConsole.TempFolder();
        using var run = CliProcess.Start([.. command, "--hidden", "8", "--batch-size", "8", "--iterations", Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder]);
        var printed = new StringBuilder();
        void Append(string? line)
        {
            lock (printed)
            {
                printed.AppendLine(line);
            }
        }

        run.OutputDataReceived += (_, e) => Append(e.Data);
        run.ErrorDataReceived += (_, e) => Append(e.Data);
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        string Printed()
        {
            lock (printed)
            {
                return printed.ToString();
            }
        }

        // A progress line means the runs are training: interrupt them there.
        CliProcess.WaitFor(() => Printed().Contains($"/{Iterations}", StringComparison.Ordinal), run);
        CliProcess.Signal(run, "INT");
        Assert.True(run.WaitForExit(TimeSpan.FromMinutes(2)), "the run did not stop after Ctrl-C");
        run.WaitForExit();
        Assert.True(run.ExitCode == Program.Interrupted, $"exit {run.ExitCode}:\n{Printed()}");
        Assert.Contains("Interrupted by Ctrl-C", Printed(), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        Assert.True(json.RootElement.GetProperty("Interrupted").GetBoolean());
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs");
        long trained = 0;
        foreach (var curve in runs.EnumerateArray())
        {
            long at = curve.GetProperty("InterruptedAt").GetInt64();
            Assert.Equal(at, curve.GetProperty("Loss").GetArrayLength());
            Assert.InRange(at, 0, Iterations - 1);
            trained += at;
        }

        Assert.True(trained > 0, "no run had trained when it was interrupted");
        Assert.Contains("interrupted at iteration", File.ReadAllText(Path.Combine(folder, "summary.csv")), StringComparison.Ordinal);
        Assert.Contains("Interrupted by Ctrl-C", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Assert.Contains("interrupted at iteration", File.ReadAllText(Path.Combine(folder, "losses.svg")), StringComparison.Ordinal);
        Assert.Equal(runs.GetArrayLength() + 1, File.ReadAllLines(Path.Combine(folder, "summary.csv")).Length);
    }
}
