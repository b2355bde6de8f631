namespace Descent.Cli.Tests.Reliability;

/// <summary>
/// One writer per run folder: a second writer exits 2 naming the holder's process id; a folder holding another
/// run is refused without --force (and changes not at all), and --force leaves nothing of the old run; leftover
/// temporary files go when the next run takes the lock; a failed start leaves no folder behind; SIGTERM stops
/// like Ctrl-C with exit 143 and the run resumes to the uninterrupted result.
/// </summary>
public class RunFolderTests
{
    private static readonly string[] Small = ["train", "--hidden", "20", "--batch-size", "16", "--seed", "3"];

    [Fact]
    public async Task SecondWriter_IsRefusedWithTheHoldersProcessId_AndTheFirstRunIsUnharmed()
    {
        string folder = LabConsole.TempFolder();
        // Far more iterations than the test needs: the first writer must still hold the folder when the others try it,
        // however fast the machine (200,000 took only 14 s once the test ran alone).
        using var first = CliProcess.Start([.. Small, "--iterations", "20000000", "--checkpoint-every", "0", "--out", folder]);
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        _ = first.StandardError.ReadToEndAsync();
        CliProcess.WaitFor(() => File.Exists(Path.Combine(folder, ".descent.owner")) && File.ReadAllText(Path.Combine(folder, ".descent.owner")).Length > 0, first);

        var (code, output) = LabConsole.Run([.. Small, "--iterations", "5", "--out", folder, "--force"]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains($"process {first.Id}", output, StringComparison.Ordinal);
        (code, output) = LabConsole.Run([.. Small, "--iterations", "5", "-o", "sgd:lr=0.1", "--out", folder]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(folder, output, StringComparison.Ordinal);

        // A writer killed outright releases its lock with the process (the OS drops it): the folder can be taken again.
        first.Kill(entireProcessTree: true);
        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)));
        (code, output) = LabConsole.Run([.. Small, "--iterations", "5", "--out", folder, "--force"]);
        Assert.True(code == 0, output);
        _ = await firstOutput;
    }

    [Fact]
    public void FolderWithAnotherRun_IsRefusedWithoutForce_AndNothingChanges()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run([.. Small, "--iterations", "4", "-o", "adam:lr=0.01", "--out", folder]);
        Assert.True(code == 0, output);
        var before = RunFiles.Snapshot(folder);

        (code, output) = LabConsole.Run([.. Small, "--iterations", "4", "-o", "sgd:lr=0.1", "--out", folder]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("holds another run", output, StringComparison.Ordinal);
        Assert.Contains("--force", output, StringComparison.Ordinal);
        Assert.Equal(before.Where(f => !f.Key.StartsWith(".descent", StringComparison.Ordinal)), RunFiles.Snapshot(folder).Where(f => !f.Key.StartsWith(".descent", StringComparison.Ordinal)));

        // --resume A --out B onto B's run: the same refusal.
        string other = LabConsole.TempFolder();
        (code, output) = LabConsole.Run([.. Small, "--iterations", "3", "--out", other]);
        Assert.True(code == 0, output);
        var otherBefore = RunFiles.Snapshot(other);
        (code, output) = LabConsole.Run("train", "--resume", folder, "--iterations", "6", "--out", other);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("holds another run", output, StringComparison.Ordinal);
        Assert.Equal(otherBefore.Where(f => !f.Key.StartsWith(".descent", StringComparison.Ordinal)), RunFiles.Snapshot(other).Where(f => !f.Key.StartsWith(".descent", StringComparison.Ordinal)));
    }

    [Fact]
    public void Force_RemovesEveryFileOfTheOldRun()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run([.. Small, "--iterations", "4", "-o", "adam:lr=0.01", "--out", folder]);
        Assert.True(code == 0, output);
        File.WriteAllText(Path.Combine(folder, "notes-of-the-old-run.txt"), "old");
        Directory.CreateDirectory(Path.Combine(folder, "old-subfolder"));

        (code, output) = LabConsole.Run([.. Small, "--iterations", "3", "-o", "sgd:lr=0.1", "--checkpoint-every", "0", "--out", folder, "--force"]);
        Assert.True(code == 0, output);
        Assert.False(File.Exists(Path.Combine(folder, "notes-of-the-old-run.txt")));
        Assert.False(Directory.Exists(Path.Combine(folder, "old-subfolder")));
        var checkpoint = Descent.Checkpoints.Checkpoint.ReadInfo(Path.Combine(folder, "checkpoint.safetensors"));
        Assert.Equal("sgd:lr=0.1", checkpoint.Settings["optimizer"]);
        Assert.Equal(3, checkpoint.Step);
    }

    [Fact]
    public void LeftoverTemporaryFiles_AreRemovedWhenTheNextRunTakesTheLock()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run([.. Small, "--iterations", "3", "--out", folder]);
        Assert.True(code == 0, output);
        File.WriteAllText(Path.Combine(folder, ".checkpoint.safetensors.0123456789abcdef.tmp"), "torn");
        File.WriteAllText(Path.Combine(folder, "run.json.tmp"), "{");

        (code, output) = LabConsole.Run("train", "--resume", folder, "--iterations", "5");
        Assert.True(code == 0, output);
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp"));
    }

    [Theory]
    [InlineData("--init", "1e30")]
    [InlineData("--data", "/nonexistent/descent-data")]
    public void FailedStart_LeavesNoFolder(string option, string value)
    {
        string folder = Path.Combine(Path.GetTempPath(), "descent-tests", Guid.NewGuid().ToString("N"));
        var (code, output) = LabConsole.Run([.. Small, "--iterations", "3", option, value, "--out", folder]);
        Assert.NotEqual(0, code);
        Assert.False(Directory.Exists(folder), $"{folder} was left behind:\n{output}");
    }

    [Fact]
    public async Task Sigterm_CheckpointsAndExits143_AndTheRunResumesBitIdentical()
    {
        string folder = LabConsole.TempFolder();
        using (var run = CliProcess.Start([.. Small, "--iterations", "100000", "--checkpoint-every", "20", "--out", folder]))
        {
            var output = run.StandardOutput.ReadToEndAsync();
            _ = run.StandardError.ReadToEndAsync();
            CliProcess.WaitFor(() => File.Exists(Path.Combine(folder, "run.json")), run);
            CliProcess.Signal(run, "TERM");
            Assert.True(run.WaitForExit(TimeSpan.FromMinutes(2)));
            string printed = await output;
            Assert.True(run.ExitCode == Program.Terminated, $"exit {run.ExitCode}:\n{printed}");
            Assert.Contains("SIGTERM", printed, StringComparison.Ordinal);
        }

        long step = Descent.Checkpoints.Checkpoint.ReadInfo(Path.Combine(folder, "checkpoint.safetensors")).Step;
        Assert.True(step >= 20, $"the checkpoint is at step {step}, before the periodic one the test waited for");
        long total = step + 7;
        var (code, text) = CliProcess.Run("train", "--resume", folder, "--iterations", total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 0, text);

        string straight = LabConsole.TempFolder();
        (code, text) = CliProcess.Run([.. Small, "--iterations", total.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-every", "20", "--out", straight]);
        Assert.True(code == 0, text);
        RunFiles.AssertSameRun(straight, folder, "resumed after SIGTERM");
    }
}
