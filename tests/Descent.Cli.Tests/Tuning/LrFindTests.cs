using System.Globalization;
using System.Text.RegularExpressions;
using Descent.Cli.Tuning;

namespace Descent.Cli.Tests.Tuning;

public partial class LrFindTests
{
    [Fact]
    public void ForAdamOnTheBookNetwork_TheSuggestion_IsWithinAFactorOf10OfTheTunedRate()
    {
        // A small study: Adam alone on the book's 784-100-100-100-100-10 network, 9 rates for 50 iterations, the best 3 for 150.
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("tune", "--optimizers", "adam", "--budget", "900", "--iterations", "150", "--rungs", "2", "--seeds", "1", "--out", folder);
        Assert.True(code == 0, output);
        double tuned;
        using (var study = Study.Open(Path.Combine(folder, "study.db")))
        {
            string spec = Tuner.Best(study.Trials(), "adam")!.Spec;
            tuned = double.Parse(spec[(spec.IndexOf("lr=", StringComparison.Ordinal) + 3)..], CultureInfo.InvariantCulture);
        }

        var (findCode, found) = LabConsole.Run("lr-find", "--optimizer", "adam", "--out", LabConsole.TempFolder());
        Assert.True(findCode == 0, found);
        double suggested = double.Parse(Suggestion().Match(found).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(suggested / tuned, 0.1, 10);
    }

    [Fact]
    public void LrFind_WritesTheCurveAndPlot_AndStopsWhenTheLossExplodes()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("lr-find", "--hidden", "16", "--steps", "60", "--min", "1e-4", "--max", "1000", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("the loss exploded", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "lr_find.png")));
        string[] rows = File.ReadAllLines(Path.Combine(folder, "lr_find.csv"));
        Assert.InRange(rows.Length - 1, 2, 59);
        double first = double.Parse(rows[1].Split(',')[1], CultureInfo.InvariantCulture);
        double second = double.Parse(rows[2].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.Equal(1e-4, first, 1e-18);
        Assert.Equal(Math.Pow(1e7, 1.0 / 59), second / first, 1e-12);
    }

    [Theory]
    [InlineData("--min", "0")]
    [InlineData("--steps", "2")]
    public void BadRanges_AreUsageErrors(string option, string value)
    {
        var (code, output) = LabConsole.Run("lr-find", option, value);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Valley_IsAThirdAndAHalfIntoTheLongestDecrease_AsFastaiComputesIt()
    {
        // Ten decreasing values: fastai's start is one before the run (end − length = −1), sections = 10/3, index −1 + 3 + 1.
        double[] losses = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 5, 9];
        Assert.Equal(3, LrFinder.Valley(losses));
        Assert.Equal(10, LrFinder.Steepest([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1]));
    }

    [Fact]
    public void Smoothing_IsDebiased_SoAConstantLossStaysConstant()
    {
        Assert.All(LrFinder.Smooth([2.5, 2.5, 2.5, 2.5]), v => Assert.Equal(2.5, v, 12));
        double[] s = LrFinder.Smooth([1.0, 3.0]);
        Assert.Equal(1.0, s[0], 15);
        Assert.Equal(((0.98 * 0.02 * 1.0) + (0.02 * 3.0)) / (1 - (0.98 * 0.98)), s[1], 12);
    }

    [GeneratedRegex(@"Suggested learning rate: ([0-9.eE+-]+)")]
    private static partial Regex Suggestion();
}
