using System.Text.Json;

namespace Descent.Cli.Tests.Lab;

public class Compare2dTests
{
    [Fact]
    public void Run_WritesDataFiguresAndReport_AndPlotRedrawsThem()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-2d", "--function", "rosenbrock", "--steps", "12", "-o", "sgd:lr=0.001", "-o", "momentum:lr=0.0005,label=heavy ball", "--out", folder);
        Assert.True(code == 0, output);
        foreach (string file in new[] { "run.json", "trajectories.csv", "trajectories.png", "trajectories.svg", "values.png", "values.svg", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing; output:\n{output}");
        }

        Assert.Contains("heavy ball", output, StringComparison.Ordinal);
        Assert.Contains(folder, output, StringComparison.Ordinal);

        // 13 rows per optimizer (start + 12 steps) plus the header.
        Assert.Equal(1 + (2 * 13), File.ReadAllLines(Path.Combine(folder, "trajectories.csv")).Length);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("TwoD").GetProperty("Runs");
        Assert.Equal(2, runs.GetArrayLength());
        Assert.Equal(13, runs[0].GetProperty("X").GetArrayLength());

        string report = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("<svg", report, StringComparison.Ordinal);
        Assert.Contains("heavy ball", report, StringComparison.Ordinal);

        // The report says what computed it: the command line (in-process, the command's name) and this build's version.
        Assert.Contains("Command line: <code>descent compare-2d</code>", report, StringComparison.Ordinal);
        Assert.StartsWith("0.", json.RootElement.GetProperty("Version").GetString(), StringComparison.Ordinal);
        Assert.Contains("Descent " + json.RootElement.GetProperty("Version").GetString(), report, StringComparison.Ordinal);

        // Redraw from data alone: remove the figures, plot, and they are back.
        File.Delete(Path.Combine(folder, "trajectories.png"));
        File.Delete(Path.Combine(folder, "report.html"));
        var (plotCode, plotOutput) = LabConsole.Run("plot", folder);
        Assert.True(plotCode == 0, plotOutput);
        Assert.True(File.Exists(Path.Combine(folder, "trajectories.png")));
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
        Assert.Contains("Command line: <code>descent compare-2d</code>", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(folder, "trajectories.png")).Length > 10_000);
    }

    [Fact]
    public void Sgd_OnTheBowl_FollowsTheClosedForm()
    {
        // Plain SGD on x²/20 + y² multiplies x by (1 − lr/10) and y by (1 − 2 lr) each step.
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-2d", "--steps", "5", "-o", "sgd:lr=0.25", "--start", "4,-1", "--out", folder);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var run = json.RootElement.GetProperty("TwoD").GetProperty("Runs")[0];
        double x = run.GetProperty("X")[5].GetDouble(), y = run.GetProperty("Y")[5].GetDouble();
        Assert.Equal(4 * Math.Pow(1 - 0.025, 5), x, 12);
        Assert.Equal(-1 * Math.Pow(1 - 0.5, 5), y, 12);
    }
}
