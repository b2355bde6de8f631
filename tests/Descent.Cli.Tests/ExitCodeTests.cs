namespace Descent.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void UnknownOption_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("compare-2d", "--frobnicate");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--frobnicate", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFunction_ListsTheValidOnes()
    {
        var (code, output) = LabConsole.Run("compare-2d", "--function", "banana");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("banana", output, StringComparison.Ordinal);
        Assert.Contains("rosenbrock", output, StringComparison.Ordinal);
        Assert.Contains("himmelblau", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOptimizer_ListsTheValidOnes()
    {
        var (code, output) = LabConsole.Run("compare-2d", "--optimizer", "adamish:lr=0.1", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("adamish", output, StringComparison.Ordinal);
        Assert.Contains("sgd", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOptimizerOption_NamesItAndTheValidOnes()
    {
        var (code, output) = LabConsole.Run("compare-2d", "--optimizer", "sgd:lr=0.1,betaa=3", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("betaa", output, StringComparison.Ordinal);
        Assert.Contains("lr", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sgd:lr=abc", "abc")]
    [InlineData("sgd:lr=-1", "LearningRate")]
    [InlineData("sgd:lr", "KEY=VALUE")]
    public void BadOptimizerValue_SaysWhichAndWhy(string spec, string expected)
    {
        var (code, output) = LabConsole.Run("compare-2d", "--optimizer", spec, "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "0", "--steps must be a positive integer")]
    [InlineData("--start", "1;2", "X,Y")]
    [InlineData("--conventions", "keras", "pytorch")]
    public void BadValues_AreUsageErrors(string option, string value, string expected)
    {
        var (code, output) = LabConsole.Run("compare-2d", option, value, "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public void PlotOfAFolderWithoutARun_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("plot", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("run.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public void PlotOfACorruptRun_IsARunFailure()
    {
        string folder = LabConsole.TempFolder();
        File.WriteAllText(Path.Combine(folder, "run.json"), "{ not json");
        var (code, output) = LabConsole.Run("plot", folder);
        Assert.Equal(Program.RunFailure, code);
        Assert.Contains("run.json", output, StringComparison.Ordinal);
    }
}
