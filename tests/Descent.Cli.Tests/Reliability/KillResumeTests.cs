namespace Descent.Cli.Tests.Reliability;

/// <summary>
/// A run killed (SIGKILL) at any instant resumes to exactly the uninterrupted result: kills injected at every
/// point of the save sequence (half-written temporary checkpoint, complete but not renamed, renamed before
/// run.json, after run.json) on the first, a middle and the last save, and kills at random times.
/// </summary>
public class KillResumeTests
{
    // 12 steps, a checkpoint every 3: saves at steps 3, 6, 9, 12 and the final one at 12.
    private const int Steps = 12;

    private static readonly Lazy<string> Straight = new(() => StraightRun(Steps));

    private static readonly Lazy<string> LongStraight = new(() => StraightRun(400));

    public static TheoryData<string, int> KillPoints()
    {
        var data = new TheoryData<string, int>();
        foreach (string stage in (string[])["temporary-partial", "temporary-written", "checkpoint-saved", "record-saved"])
        {
            foreach (int save in (int[])[1, 2, 5])
            {
                data.Add(stage, save);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KillPoints))]
    public void KillAtAPointOfTheSaveSequence_ResumesBitIdentical(string stage, int save)
    {
        string folder = LabConsole.TempFolder();
        using (var killed = CliProcess.Start(new Dictionary<string, string> { ["DESCENT_KILL_AT"] = $"{stage}@{save}" }, Args(Steps, folder)))
        {
            _ = killed.StandardOutput.ReadToEndAsync();
            _ = killed.StandardError.ReadToEndAsync();
            Assert.True(killed.WaitForExit(TimeSpan.FromMinutes(3)), "the run did not stop");
            Assert.True(killed.ExitCode == 137, $"expected the injected SIGKILL (137); got {killed.ExitCode}");
        }

        Continue(folder, Steps, $"killed at {stage}@{save}");
        RunFiles.AssertSameRun(Straight.Value, folder, $"killed at {stage}@{save}");
    }

    [Fact]
    public void KillsAtRandomTimes_ResumeBitIdentical()
    {
        var random = new Random(18);
        for (int trial = 0; trial < 3; trial++)
        {
            string folder = LabConsole.TempFolder();
            using (var process = CliProcess.Start(Args(400, folder)))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                Thread.Sleep(random.Next(1500, 5000));
                process.Kill();
                process.WaitForExit();
            }

            Continue(folder, 400, $"random kill {trial}");
            RunFiles.AssertSameRun(LongStraight.Value, folder, $"random kill {trial}");
        }
    }

    /// <summary>Resumes a killed run to the end; a run killed before its first checkpoint is started again.</summary>
    private static void Continue(string folder, int steps, string what)
    {
        if (File.Exists(Path.Combine(folder, "checkpoint.safetensors")))
        {
            var (code, output) = CliProcess.Run("train", "--resume", folder);
            Assert.True(code == 0, $"{what}: resume exited {code}:\n{output}");
        }
        else
        {
            var (code, output) = CliProcess.Run("train", "--resume", folder);
            Assert.True(code == Program.UsageError, $"{what}: resume without a checkpoint exited {code}:\n{output}");
            (code, output) = CliProcess.Run(Args(steps, folder));
            Assert.True(code == 0, $"{what}: the fresh start exited {code}:\n{output}");
        }

        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp"));
    }

    private static string[] Args(int steps, string folder) =>
        ["train", "--hidden", "20", "--batch-size", "16", "--seed", "5", "--iterations", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-every", "3", "-o", "adam:lr=0.01", "--out", folder];

    private static string StraightRun(int steps)
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = CliProcess.Run(Args(steps, folder));
        Assert.True(code == 0, output);
        return folder;
    }
}
