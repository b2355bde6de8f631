using System.Text.Json;
using Descent.Cli.Lab;

namespace Descent.Cli.Tests.Lab;

public class SeedsTests
{
    private static readonly string[] Tiny = ["-o", "sgd:lr=0.1", "-o", "adam:lr=0.01", "--iterations", "12", "--hidden", "8", "--threads", "2"];

    [Fact]
    public void Seeds_EachSeedIsThePlainRunWithThatSeed_AndTheFolderHoldsBandsAndMeanStd()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, "--seed", "4", "--seeds", "3", "--target", "2.0", "--out", folder]);
        Assert.True(code == 0, output);
        Assert.Contains("±", output, StringComparison.Ordinal);
        Assert.Contains("iterations to target", output, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var repeats = json.RootElement.GetProperty("Mnist").GetProperty("Repeats");
        Assert.Equal(3, repeats.GetArrayLength());
        for (int s = 0; s < 3; s++)
        {
            var repeat = repeats[s];
            Assert.Equal(4 + s, repeat.GetProperty("Seed").GetInt64());
            Assert.Equal(PlainRun(4 + s), Losses(repeat.GetProperty("Runs")));
        }

        // One line per optimizer and seed, plus the header.
        Assert.Equal(7, File.ReadAllLines(Path.Combine(folder, "seeds.csv")).Length);
        Assert.True(File.Exists(Path.Combine(folder, "losses_seeds.png")));
        string report = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(folder, "report.html")));
        Assert.Contains("min–max across seeds", report, StringComparison.Ordinal);
        Assert.Contains("±", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--seeds", "0", "--seeds")]
    [InlineData("--target", "-1", "--target")]
    public void BadSeedValues_AreUsageErrors(string option, string value, string expected)
    {
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, option, value, "--out", LabConsole.TempFolder()]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public void SeedsPastNumPysRange_AreAUsageError()
    {
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, "--seed", uint.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds", "2", "--out", LabConsole.TempFolder()]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--seeds 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MeanStd_IsTheSampleStandardDeviation()
    {
        var stats = MeanStd.Of([1.0, 2.0, 3.0, 4.0])!.Value;
        Assert.Equal(2.5, stats.Mean);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), stats.Std, 15);
        Assert.Equal(0, MeanStd.Of([7.0])!.Value.Std);
        Assert.Null(MeanStd.Of([]));
    }

    [Fact]
    public void Band_IsMedianMinMaxPerIteration_OverTheCurvesThatReachIt()
    {
        var (median, low, high) = SeedStatistics.Band([[3, 1, 5], [1, 2], [2, 9, 4]]);
        Assert.Equal([2.0, 2.0, 4.5], median);
        Assert.Equal([1.0, 1.0, 4.0], low);
        Assert.Equal([3.0, 9.0, 5.0], high);
    }

    [Fact]
    public void IterationsToTarget_CountsUpdatesUntilTheFirstCrossing()
    {
        Assert.Equal(3, SeedStatistics.IterationsToTarget([2.0, 1.5, 0.9, 1.2, 0.5], 1.0));
        Assert.Equal(1, SeedStatistics.IterationsToTarget([0.5], 1.0));
        Assert.Null(SeedStatistics.IterationsToTarget([2.0, 1.5], 1.0));
    }

    private static double[] PlainRun(long seed)
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder]);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        return Losses(json.RootElement.GetProperty("Mnist").GetProperty("Runs"));
    }

    private static double[] Losses(JsonElement runs) =>
        [.. runs.EnumerateArray().SelectMany(r => r.GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble()))];
}
