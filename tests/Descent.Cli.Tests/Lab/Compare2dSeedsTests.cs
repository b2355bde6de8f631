using System.Text.Json;
using Descent.Cli.Lab;
using Descent.Functions;

namespace Descent.Cli.Tests.Lab;

public class Compare2dSeedsTests
{
    private static readonly string[] Args = ["compare-2d", "--function", "rosenbrock", "--steps", "40", "-o", "adam:lr=0.05", "-o", "momentum:lr=0.0005"];

    [Fact]
    public void Seeds_RunEachOptimizerFromKDifferentStarts_RecordedWithTheirSeeds()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run([.. Args, "--seeds", "3", "--seed", "7", "--target", "1", "--out", folder]);
        Assert.True(code == 0, output);
        Assert.Contains("±", output, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        Assert.Equal(7, json.RootElement.GetProperty("Seed").GetInt64());
        var twoD = json.RootElement.GetProperty("TwoD");
        var repeats = twoD.GetProperty("Repeats");
        Assert.Equal(3, repeats.GetArrayLength());
        var starts = new HashSet<(double, double)>();
        var rosenbrock = TestFunction.Get("rosenbrock");
        for (int s = 0; s < 3; s++)
        {
            var repeat = repeats[s];
            Assert.Equal(7 + s, repeat.GetProperty("Seed").GetInt64());
            double x = repeat.GetProperty("StartX").GetDouble(), y = repeat.GetProperty("StartY").GetDouble();
            Assert.Equal(TwoDSeeds.Start(rosenbrock, rosenbrock.Start, 7 + s), (x, y));
            // Inside the documented box: a tenth of the plotted range either side of the function's start.
            Assert.InRange(x, rosenbrock.Start.X - (0.1 * (rosenbrock.XRange.Max - rosenbrock.XRange.Min)), rosenbrock.Start.X + (0.1 * (rosenbrock.XRange.Max - rosenbrock.XRange.Min)));
            Assert.InRange(y, rosenbrock.Start.Y - (0.1 * (rosenbrock.YRange.Max - rosenbrock.YRange.Min)), rosenbrock.Start.Y + (0.1 * (rosenbrock.YRange.Max - rosenbrock.YRange.Min)));
            // Every optimizer's path starts there.
            foreach (var run in repeat.GetProperty("Runs").EnumerateArray())
            {
                Assert.Equal(x, run.GetProperty("X")[0].GetDouble());
                Assert.Equal(y, run.GetProperty("Y")[0].GetDouble());
            }

            starts.Add((x, y));
        }

        Assert.Equal(3, starts.Count);
        // 41 points per optimizer and seed plus the header.
        Assert.Equal(1 + (3 * 2 * 41), File.ReadAllLines(Path.Combine(folder, "trajectories_seeds.csv")).Length);
        Assert.True(File.Exists(Path.Combine(folder, "values_seeds.png")));
        string report = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(folder, "report.html")));
        Assert.Contains("3 random starts per optimizer", report, StringComparison.Ordinal);
        Assert.Contains("steps to f ≤ 1", report, StringComparison.Ordinal);
        Assert.Contains("min–max (band)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSeed_GivesTheSameRun()
    {
        string first = LabConsole.TempFolder(), second = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run([.. Args, "--seeds", "2", "--seed", "3", "--out", first]);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run([.. Args, "--seeds", "2", "--seed", "3", "--out", second]);
        Assert.True(code == 0, output);
        Assert.Equal(File.ReadAllText(Path.Combine(first, "trajectories_seeds.csv")), File.ReadAllText(Path.Combine(second, "trajectories_seeds.csv")));
    }

    [Theory]
    [InlineData("--seeds", "0")]
    [InlineData("--seeds", "x")]
    [InlineData("--seed", "5")]
    public void BadSeeds_AreUsageErrors(string option, string value)
    {
        string folder = Path.Combine(LabConsole.TempFolder(), "never");
        var (code, output) = LabConsole.Run([.. Args, option, value, "--out", folder]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(option, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void StepsToTarget_CountsStepsUntilFFirstReachesIt()
    {
        Assert.Equal(0, TwoDSeeds.StepsToTarget([0.5, 2.0], 1.0));
        Assert.Equal(2, TwoDSeeds.StepsToTarget([3.0, 1.5, 0.9], 1.0));
        Assert.Null(TwoDSeeds.StepsToTarget([3.0, 1.5], 1.0));
    }
}
