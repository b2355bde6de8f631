using System.Globalization;
using System.Text.Json;

namespace Descent.Cli.Tests.Lab;

public class DiagnosticsTests
{
    private static readonly string[] Tiny = ["-o", "sgd:lr=0.1", "-o", "adam:lr=0.01", "--iterations", "25", "--hidden", "8", "--threads", "2"];

    [Fact]
    public void CompareMnist_WritesDiagnosticsCsv_AndTheReportHoldsTheFigure()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, "--diagnostics-every", "10", "--out", folder]);
        Assert.True(code == 0, output);

        string[] lines = File.ReadAllLines(Path.Combine(folder, "diagnostics.csv"));
        Assert.Equal("optimizer,seed,iteration,layer,quantity,value", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        // Iterations 0, 10, 20; two layers (W1+b1, W2+b2).
        Assert.Equal(["0", "10", "20"], rows.Select(r => r[2]).Distinct());
        Assert.Equal(["W1+b1", "W2+b2", "all"], rows.Select(r => r[3]).Distinct().Order(StringComparer.Ordinal));
        var sgd = rows.Where(r => r[0] == "sgd:lr=0.1").Select(r => r[4]).Distinct().ToList();
        var adam = rows.Where(r => r[0] == "adam:lr=0.01").Select(r => r[4]).Distinct().ToList();
        Assert.DoesNotContain("effective_step_p50", sgd);
        Assert.Contains("effective_step_p50", adam);
        Assert.Contains("gradient_norm", sgd);
        Assert.All(rows.Where(r => r[4] is "gradient_norm" or "update_norm" or "effective_step_p50"), r => Assert.True(double.Parse(r[5], CultureInfo.InvariantCulture) > 0, string.Join(',', r)));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs");
        Assert.StartsWith("n/a", runs[0].GetProperty("Diagnostics").GetProperty("EffectiveStep").GetString(), StringComparison.Ordinal);
        Assert.Equal(10, runs[1].GetProperty("Diagnostics").GetProperty("Every").GetInt32());

        Assert.True(File.Exists(Path.Combine(folder, "diagnostics.png")));
        string report = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(folder, "report.html")));
        Assert.Contains("<h3>Diagnostics</h3>", report, StringComparison.Ordinal);
        Assert.Contains("effective step: median, 10–90 % band", report, StringComparison.Ordinal);
        Assert.Contains("diagnostics.png", report, StringComparison.Ordinal);

        // Redrawn from run.json alone.
        File.Delete(Path.Combine(folder, "diagnostics.png"));
        (code, output) = LabConsole.Run("plot", folder);
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(folder, "diagnostics.png")));
    }

    [Fact]
    public void Train_RecordsDiagnosticsAtTheDefaultInterval()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("train", "-o", "adam:lr=0.01", "--iterations", "60", "--hidden", "8", "--checkpoint-every", "0", "--out", folder);
        Assert.True(code == 0, output);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var diagnostics = json.RootElement.GetProperty("Mnist").GetProperty("Runs")[0].GetProperty("Diagnostics");
        Assert.Equal(25, diagnostics.GetProperty("Every").GetInt32());
        Assert.Equal([0L, 25L, 50L], diagnostics.GetProperty("Iterations").EnumerateArray().Select(e => e.GetInt64()));
        Assert.True(File.Exists(Path.Combine(folder, "diagnostics.csv")));
        Assert.Contains("<h3>Diagnostics</h3>", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void DiagnosticsEveryZero_RecordsNone()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, "--diagnostics-every", "0", "--out", folder]);
        Assert.True(code == 0, output);
        Assert.False(File.Exists(Path.Combine(folder, "diagnostics.csv")));
        Assert.DoesNotContain("<h3>Diagnostics</h3>", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeDiagnosticsEvery_IsAUsageError()
    {
        var (code, output) = LabConsole.Run(["compare-mnist", .. Tiny, "--diagnostics-every", "-1", "--out", LabConsole.TempFolder()]);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--diagnostics-every", output, StringComparison.Ordinal);
    }
}
