namespace Descent.Cli.Tests.Reliability;

/// <summary>
/// A run whose weights overflow must fail with NaN named, in a fresh process (where the kernels are first
/// compiled on the flushing worker thread, the case that once turned NaN into 0 and reported loss 2.30).
/// </summary>
public class NanRunTests
{
    [Theory]
    // Weights of 1e30 (float) or 1e100 (double) overflow to ±∞ by the third layer, and ∞ − ∞ is NaN.
    [InlineData("float", "1e30", true)]
    [InlineData("float", "1e30", false)]
    [InlineData("double", "1e100", true)]
    [InlineData("double", "1e100", false)]
    public void HugeInitialWeights_FailTheRunWithNaN(string precision, string init, bool flush)
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = CliProcess.Run(
            ["train", "--init", init, "--precision", precision, "--iterations", "3", "--out", folder, .. flush ? Array.Empty<string>() : ["--no-flush-denormals"]]);
        Assert.True(code == Program.RunFailure, $"exit {code}:\n{output}");
        Assert.Contains("NaN", output, StringComparison.Ordinal);
    }
}
