using System.Text.Json;
using Descent.Testing;

namespace Descent.Cli.Tests.Lab;

/// <summary>
/// <c>mpiexec -n 2 descent train</c>, sharded and not, against the single-process run: one run folder, the same curve to
/// float rounding, ZeRO-1 bit-identical to unsharded with half the state per process, and a resume with another N.
/// </summary>
public sealed class DistributedTrainTests
{
    // A schedule, so that the sharded optimizer's group takes the scheduled rate like the whole one.
    private static readonly string[] Small = ["--hidden", "24,16", "--batch-size", "32", "--iterations", "25", "--checkpoint-every", "10", "-o", "Adam:lr=0.003", "--schedule", "StepLR(step_size=7, gamma=0.5)"];

    [Fact]
    public void TwoProcesses_WriteOneRunFolder_WithTheSingleProcessCurveToFloatRounding_AndZeroOneIsBitIdentical()
    {
        string single = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["train", .. Small, "--out", single]);
        Assert.True(code == 0, output);

        var plain = MpiJob.Run("Descent.Cli.dll", 2, folder => ["train", .. Small, "--out", Path.Combine(folder, "run")]);
        Assert.True(plain.ExitCode == 0, plain.Output);
        Assert.Contains("Data-parallel over 2 processes", plain.Output, StringComparison.Ordinal);

        // Only rank 0 wrote: the folder asked for, and nothing else (no default runs/ folder from the other rank).
        Assert.Equal(["run"], Directory.GetFileSystemEntries(plain.Folder).Select(Path.GetFileName));
        Assert.Equal(2, plain.Output.Split("Run folder:").Length);

        // The batch mean is summed in two halves: the curve matches the single process to float rounding (measured ≤ 1e-6 relative).
        double[] expected = Losses(single), actual = Losses(Path.Combine(plain.Folder, "run"));
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Abs(expected[i]), $"step {i}: {actual[i]} vs {expected[i]}");
        }

        var sharded = MpiJob.Run("Descent.Cli.dll", 2, folder => ["train", .. Small, "--shard-optimizer-state", "--out", Path.Combine(folder, "run")]);
        Assert.True(sharded.ExitCode == 0, sharded.Output);
        Assert.Equal(actual, Losses(Path.Combine(sharded.Folder, "run")));
        AssertSameCheckpoint(Path.Combine(plain.Folder, "run", "checkpoint.safetensors"), Path.Combine(sharded.Folder, "run", "checkpoint.safetensors"));

        // Adam keeps two float moments per parameter: 2 × 4 bytes × (784·24 + 24 + 24·16 + 16 + 16·10 + 10) = 155,280 bytes.
        var (whole, wholeTotal) = StateMemory(plain.Output);
        var (half, halfTotal) = StateMemory(sharded.Output);
        Assert.Equal(155_280, wholeTotal / 2);
        Assert.Equal(whole, wholeTotal / 2);
        Assert.Equal(wholeTotal / 2, halfTotal);
        Assert.Equal(whole / 2, half);

        // The two-process checkpoint resumes in one process.
        (code, output) = LabConsole.Run("train", "--resume", Path.Combine(sharded.Folder, "run"), "--iterations", "30");
        Assert.True(code == 0, output);
        Assert.Equal(30, Losses(Path.Combine(sharded.Folder, "run")).Length);
        Directory.Delete(plain.Folder, recursive: true);
        Directory.Delete(sharded.Folder, recursive: true);
    }

    [Fact]
    public void ShardOptimizerState_WithoutMpiexec_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("train", "--shard-optimizer-state", "--iterations", "1");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("mpiexec -n 2 descent train --shard-optimizer-state", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_WithTwoProcesses_EndsTheJobWithTheReason()
    {
        var job = MpiJob.Run("Descent.Cli.dll", 2, folder => ["train", "--hidden", "8", "--iterations", "2", "--dropout", "0.2", "--out", Path.Combine(folder, "run")]);
        Assert.Equal(Program.UsageError, job.ExitCode);
        Assert.Contains("--dropout is not supported with more than one process", job.Output, StringComparison.Ordinal);
        Directory.Delete(job.Folder, recursive: true);
    }

    private static double[] Losses(string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        return [.. json.RootElement.GetProperty("Mnist").GetProperty("Runs")[0].GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];
    }

    /// <summary>The bytes of "Optimizer state: X bytes (… KiB) on this process, Y bytes on all 2 together".</summary>
    private static (long PerProcess, long Total) StateMemory(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output.Replace("\n", " ", StringComparison.Ordinal), @"Optimizer state: ([0-9,]+) bytes \([0-9.]+ KiB\) on this process, ([0-9,]+) bytes on all 2");
        Assert.True(match.Success, output);
        return (
            long.Parse(match.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(match.Groups[2].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
    }

    // Every tensor and every metadata field must agree; only the wall-clock seconds and the file digest (which covers
    // those seconds) may differ between two runs.
    private static void AssertSameCheckpoint(string expectedPath, string actualPath)
    {
        var expected = Descent.Checkpoints.SafeTensors.Read(expectedPath);
        var actual = Descent.Checkpoints.SafeTensors.Read(actualPath);
        Assert.Equal(expected.Tensors.Select(t => t.Name), actual.Tensors.Select(t => t.Name));
        foreach (var (e, a) in expected.Tensors.Zip(actual.Tensors))
        {
            Assert.Equal(e.Type, a.Type);
            Assert.Equal(e.Shape, a.Shape);
            Assert.True(e.Data.AsSpan().SequenceEqual(a.Data), $"tensor {e.Name} differs");
        }

        string[] volatileKeys = ["seconds", Descent.Checkpoints.Checkpoint.DigestKey];
        Assert.Equal(
            expected.Metadata.Where(kv => !volatileKeys.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal),
            actual.Metadata.Where(kv => !volatileKeys.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }
}
