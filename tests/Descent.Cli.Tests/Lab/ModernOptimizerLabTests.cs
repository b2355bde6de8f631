using System.Text.Json;

namespace Descent.Cli.Tests.Lab;

/// <summary>The new optimizers in the lab: every one by name in compare-2d, Muon's pairing, Schedule-Free's evaluation point.</summary>
public class ModernOptimizerLabTests
{
    [Fact]
    public void Compare2d_RunsEveryNewOptimizerByItsShortName()
    {
        string folder = LabConsole.TempFolder();
        string[] names = ["muon:lr=0.05", "schedule-free-adamw:lr=0.1", "schedule-free-sgd:lr=0.1", "prodigy", "dadapt-adamw", "adopt:lr=0.1",
            "ademamix:lr=0.1", "adan:lr=0.1", "madgrad:lr=0.1", "lars", "novograd:lr=0.1", "sm3:lr=0.1", "fromage:lr=0.1", "optax.amsgrad:lr=0.1"];
        var (code, output) = LabConsole.Run(["compare-2d", "--steps", "20", .. names.SelectMany(n => new[] { "-o", n }), "--out", folder]);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("TwoD").GetProperty("Runs").EnumerateArray().ToArray();
        Assert.Equal(names.Length, runs.Length);

        // Every one moved from the start (-7, 2) towards the minimum and stayed finite.
        Assert.All(runs, r => Assert.True(r.GetProperty("Value")[20].GetDouble() < r.GetProperty("Value")[0].GetDouble(), r.GetProperty("Label").GetString()));
    }

    [Fact]
    public void CompareMnist_MuonPairsWithAdamW_AndScheduleFreeIsEvaluatedAtItsAverage()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-mnist", "--hidden", "24,16", "--batch-norm", "--iterations", "30",
            "-o", "muon:lr=0.02,rest=adamw(lr=0.003)", "-o", "schedule-free-adamw:lr=0.003", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("(at x)", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs").EnumerateArray().ToArray();
        Assert.False(runs[0].TryGetProperty("EvaluatedAt", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Contains("averaged point", runs[1].GetProperty("EvaluatedAt").GetString(), StringComparison.Ordinal);
        Assert.Contains("averaged point", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("adam:rest=sgd", "rest= pairs Muon")]
    [InlineData("muon:rest=muon", "not another Muon pair")]
    [InlineData("muon:rest=adamw(lr=fast)", "number")]
    public void RestOption_IsMuonsOnly_AndNamesAnOrdinaryOptimizer(string spec, string expected)
    {
        var (code, output) = LabConsole.Run("compare-2d", "--steps", "2", "-o", spec, "--out", LabConsole.TempFolder());
        Assert.Equal(2, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
