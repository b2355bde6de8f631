using System.Text.Json;
using Descent.Testing;

namespace Descent.Cli.Tests.Lab;

/// <summary>
/// The lab's commands train through the library's <c>TrainingLoop</c>; these runs must give, bit for bit, the loss
/// curves and test accuracies that the lab's own loops gave before the move (recorded in Goldens/lab_curves_before_loop.json
/// from commit 54c5116 with the same command lines).
/// </summary>
public class TrainingLoopRegressionTests
{
    public static TheoryData<string> Names => ["book4", "mixed", "train"];

    [Theory]
    [MemberData(nameof(Names))]
    public void LabRun_ThroughTheLibraryLoop_MatchesThePreviousLoopBitForBit(string name)
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(Goldens.RepositoryRoot, "tests", "Descent.Cli.Tests", "Lab", "Goldens", "lab_curves_before_loop.json")));
        var entry = golden.RootElement.GetProperty("runs").GetProperty(name);
        string folder = LabConsole.TempFolder();
        string[] args = [.. entry.GetProperty("args").EnumerateArray().Select(a => a.GetString()!), "--out", folder];
        var (code, output) = LabConsole.Run(args);
        Assert.True(code == 0, output);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs");
        var expected = entry.GetProperty("curves");
        Assert.Equal(expected.GetArrayLength(), runs.GetArrayLength());
        for (int k = 0; k < runs.GetArrayLength(); k++)
        {
            Assert.Equal(expected[k].GetProperty("label").GetString(), runs[k].GetProperty("Label").GetString());
            double[] want = [.. expected[k].GetProperty("loss").EnumerateArray().Select(e => e.GetDouble())];
            double[] got = [.. runs[k].GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];
            Assert.Equal(want, got);
            Assert.Equal(expected[k].GetProperty("test_accuracy").GetDouble(), runs[k].GetProperty("TestAccuracy").GetDouble());
        }
    }

    [Fact]
    public void DivergingOptimizer_IsNoted_AndTheOthersKeepTheirCurves()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-mnist", "--iterations", "12", "--hidden", "16", "-o", "sgd:lr=1e20", "-o", "adam:lr=0.001", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("sgd:lr=1e20: the loss became NaN at iteration 0", output, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs");
        Assert.Equal(0, runs[0].GetProperty("DivergedAt").GetInt64());
        Assert.Equal(0, runs[0].GetProperty("Loss").GetArrayLength());
        Assert.False(runs[1].TryGetProperty("DivergedAt", out var notDiverged) && notDiverged.ValueKind != JsonValueKind.Null);
        Assert.Equal(12, runs[1].GetProperty("Loss").GetArrayLength());
    }

    [Fact]
    public void Lbfgs_RunsInTheLab_OnOneFixedBatch_AndLowersItsLoss()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-mnist", "--iterations", "4", "--hidden", "16", "--batch-size", "64", "-o", "lbfgs:max_iter=5", "--out", folder);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        double[] loss = [.. json.RootElement.GetProperty("Mnist").GetProperty("Runs")[0].GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(4, loss.Length);

        // The same batch every step, so L-BFGS's recorded loss (after each step, on that batch) only goes down.
        for (int i = 1; i < loss.Length; i++)
        {
            Assert.True(loss[i] < loss[i - 1], $"step {i}: {loss[i]} ≥ {loss[i - 1]}");
        }
    }

    [Fact]
    public void Lbfgs_WithASchedule_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("compare-mnist", "--iterations", "2", "-o", "lbfgs", "--schedule", "StepLR(step_size=1)", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--schedule", output, StringComparison.Ordinal);
    }
}
