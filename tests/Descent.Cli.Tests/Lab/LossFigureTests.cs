using System.Text.Json;
using Descent.Cli.Lab;
using ScottPlot;

namespace Descent.Cli.Tests.Lab;

/// <summary>
/// The loss figure reads at any length: the book's runs are drawn as the book draws them, runs of 20,000 iterations
/// and more as a moving median over the raw band; <c>--linear-y</c> gives the book's linear 0–1 axis.
/// </summary>
public class LossFigureTests
{
    [Fact]
    public void LongRun_IsDrawnAsAMovingMedianOverTheRawBand_NamedOnTheAxis()
    {
        var plot = Plots.LossPlot(Record(Noisy(20_000, seed: 1), Noisy(20_000, seed: 2)), linearY: false);

        Assert.Equal(2, plot.GetPlottables<ScottPlot.Plottables.FillY>().Count());
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal(Plots.LongRunPoints, l.Data.GetScatterPoints().Count));
        Assert.Contains("moving median of 201 iterations", plot.Axes.Bottom.Label.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortRun_StaysTheBooksSmoothedCurveOverTheRawLine()
    {
        double[] loss = Noisy(2000, seed: 3);
        var plot = Plots.LossPlot(Record(loss), linearY: true);

        Assert.Empty(plot.GetPlottables<ScottPlot.Plottables.FillY>());
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(loss, lines[0].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal(Plots.SmoothCurve(loss), lines[1].Data.GetScatterPoints().Select(p => p.Y));
        Assert.DoesNotContain("median", plot.Axes.Bottom.Label.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void MovingMedian_FollowsANoiseFreeCurve_AndIgnoresSpikes()
    {
        // A decreasing curve: the median of a window centred on i is the value at i, and a bucket's range its ends.
        double[] smooth = [.. Enumerable.Range(0, 30_000).Select(i => 3.0 / (1 + (i / 500.0)))];
        var reduced = Plots.SmoothLong(smooth);
        Assert.Equal(301, reduced.Window);
        for (int p = 0; p < reduced.X.Length; p++)
        {
            int centre = (int)reduced.X[p];
            if (centre < 150 || centre + 150 >= smooth.Length)
            {
                continue;
            }

            Assert.Equal(smooth[centre], reduced.Median[p]);
            Assert.Equal(smooth[(p * 30) + 29], reduced.Low[p]);
            Assert.Equal(smooth[p * 30], reduced.High[p]);
        }

        // One iteration in twenty spikes to 100: the median stays on the curve (a moving mean would sit near 6).
        double[] spiky = [.. Enumerable.Range(0, 20_000).Select(i => i % 20 == 7 ? 100 : 1.0)];
        Assert.All(Plots.SmoothLong(spiky).Median, m => Assert.Equal(1.0, m));
    }

    [Fact]
    public void LinearY_GivesTheBooksZeroToOneAxis_OtherwiseLogWhenTheLossSpansDecades()
    {
        double[] loss = [.. Enumerable.Range(0, 3000).Select(i => 2.3 * Math.Exp(-i / 300.0))];

        var linear = Plots.LossPlot(Record(loss), linearY: true);
        var limits = linear.Axes.GetLimits();
        Assert.Equal((0.0, 1.0), (limits.Bottom, limits.Top));
        Assert.IsNotType<ScottPlot.TickGenerators.NumericManual>(linear.Axes.Left.TickGenerator);
        Assert.Contains("linear, 0–1", linear.Axes.Left.Label.Text, StringComparison.Ordinal);

        var log = Plots.LossPlot(Record(loss), linearY: false);
        Assert.IsType<ScottPlot.TickGenerators.NumericManual>(log.Axes.Left.TickGenerator);
        Assert.Contains("log scale", log.Axes.Left.Label.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearYOption_ReachesTheRunAndItsRedraw_AndIsRefusedWhereThereIsNoLoss()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-mnist", "-o", "adam:lr=0.001", "--iterations", "12", "--hidden", "16", "--linear-y", "--out", folder);
        Assert.True(code == 0, output);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json"))))
        {
            Assert.True(json.RootElement.GetProperty("LinearY").GetBoolean());
        }

        File.Delete(Path.Combine(folder, "losses.svg"));
        (code, output) = LabConsole.Run("plot", folder);
        Assert.True(code == 0, output);
        Assert.Contains("(linear", File.ReadAllText(Path.Combine(folder, "losses.svg")), StringComparison.Ordinal);

        string twoD = LabConsole.TempFolder();
        (code, output) = LabConsole.Run("compare-2d", "--steps", "5", "--out", twoD);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run("plot", twoD, "--linear-y");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--linear-y: the run in", output, StringComparison.Ordinal);
        (code, output) = LabConsole.Run("compare-2d", "--linear-y");
        Assert.Equal(Program.UsageError, code);
    }

    private static double[] Noisy(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => (2.3 / (1 + (i / 2000.0))) * (0.5 + random.NextDouble()))];
    }

    private static MnistRecord Record(params double[][] curves) => new()
    {
        Network = "784-16-10",
        Precision = "float32",
        BatchSize = 128,
        Iterations = curves.Max(c => c.Length),
        Runs = [.. curves.Select((c, i) => new LossCurveRecord { Label = $"opt{i}", Optimizer = $"opt{i}", Loss = c })],
    };
}
