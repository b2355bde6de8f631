using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Descent.Testing;

namespace Descent.Cli.Tests.Lab;

/// <summary>
/// Every figure of every report says what it shows and how it relates to the book's figure; <c>--check</c> results
/// are PASS or FAIL against a stated tolerance, in the terminal and in the report.
/// </summary>
public partial class ReportCaptionAndCheckTests
{
    private static readonly string[] Small = ["--iterations", "6", "--hidden", "16", "-o", "sgd:lr=0.1,label=SGD", "-o", "adam:lr=0.001,label=Adam"];

    [Fact]
    public void EveryFigureOfCompareAndCompare2dReports_HasACaptionRelatingItToTheBook()
    {
        string compare = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare", "--iterations", "4", "--hidden", "16", "--out", compare);
        Assert.True(code == 0, output);
        var captions = Captions(compare);
        Assert.Subset(captions.Keys.ToHashSet(), new HashSet<string> { "trajectories", "values", "losses" });
        Assert.StartsWith("Figure 6-8 of the book: each optimizer's path", captions["trajectories"], StringComparison.Ordinal);
        Assert.DoesNotContain("the optimizers are", captions["trajectories"], StringComparison.Ordinal);
        Assert.StartsWith("Figure 6-9 of the book: the training loss", captions["losses"], StringComparison.Ordinal);
        Assert.Contains("4 iterations of batch 128 (the book's 2000 of 128)", captions["losses"], StringComparison.Ordinal);
        Assert.Contains("The book has no such figure", captions["values"], StringComparison.Ordinal);

        string twoD = LabConsole.TempFolder();
        (code, output) = LabConsole.Run("compare-2d", "-f", "rosenbrock", "--steps", "20", "--out", twoD);
        Assert.True(code == 0, output);
        captions = Captions(twoD);
        Assert.Equal(["trajectories", "values"], captions.Keys.Order());
        Assert.Contains("the function is rosenbrock", captions["trajectories"], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_IsPassOrFailAgainstItsTolerance_InTheTableTheReportAndTheExitCode()
    {
        string first = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["compare-mnist", .. Small, "--out", first]);
        Assert.True(code == 0, output);

        // The run's own curves as the reference: Adam nudged within its loose 1e-2, SGD exact.
        var loss = new JsonObject();
        using (var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "run.json"))))
        {
            foreach (var r in run.RootElement.GetProperty("Mnist").GetProperty("Runs").EnumerateArray())
            {
                double nudge = r.GetProperty("Label").GetString() == "Adam" ? 1 + 1e-3 : 1;
                loss[r.GetProperty("Label").GetString()!] = new JsonArray([.. r.GetProperty("Loss").EnumerateArray().Select(e => JsonValue.Create(e.GetDouble() * nudge))]);
            }
        }

        string reference = Path.Combine(first, "reference.json");
        File.WriteAllText(reference, new JsonObject { ["loss"] = loss }.ToJsonString());
        string second = LabConsole.TempFolder();
        (code, output) = LabConsole.Run(["compare-mnist", .. Small, "--check", reference, "--out", second]);
        Assert.True(code == 0, output);
        Assert.Matches(@"[│|] SGD +[│|] PASS +[│|] 0 +[│|] 0 +[│|] ≤ 1e-10 +[│|] all 6 iterations", output);
        Assert.Matches(@"[│|] Adam +[│|] PASS +[│|] 1e-3 +[│|] \d +[│|] ≤ 0\.01 \(Adam drifts", output);
        Assert.Contains("2 of 2 passed", output, StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(second, "report.html"));
        Assert.Contains("2 of 2 curves passed", report, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(report, ">PASS</b>"));

        // SGD one part in a million off: it fails its 1e-10, the command exits 1, the report says FAIL.
        var sgd = loss["SGD"]!.AsArray();
        sgd[3] = sgd[3]!.GetValue<double>() * (1 + 1e-6);
        File.WriteAllText(reference, new JsonObject { ["loss"] = loss.DeepClone() }.ToJsonString());
        string third = LabConsole.TempFolder();
        (code, output) = LabConsole.Run(["compare-mnist", .. Small, "--check", reference, "--out", third]);
        Assert.True(code == Program.RunFailure, output);
        Assert.Matches(@"[│|] SGD +[│|] FAIL +[│|] 1e-6 +[│|] 3 +[│|] ≤ 1e-10", output);
        Assert.Contains("1 of 2 curves differ from", output, StringComparison.Ordinal);
        Assert.Contains(">FAIL</b>", File.ReadAllText(Path.Combine(third, "report.html")), StringComparison.Ordinal);
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(third, "run.json")));
        Assert.False(saved.RootElement.GetProperty("Check").GetProperty("Curves")[0].GetProperty("Passed").GetBoolean());
    }

    [Fact]
    public void BookReport_CaptionsEveryFigure_AndRecordsTheCheck()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("book", "activations", "--reproduce-book", "--check", Goldens.PathOf("book/ch6/activation_histograms.json"), "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("PASS  Xavier/sigmoid counts (exact)", output, StringComparison.Ordinal);
        Assert.Contains("(tolerance exact)", output, StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        string[] figures = [.. Directory.GetFiles(folder, "*.png").Select(Path.GetFileNameWithoutExtension).OfType<string>()];
        Assert.Equal(3, figures.Length);
        foreach (string figure in figures)
        {
            var caption = Regex.Match(report, $@"\*\*{Regex.Escape(figure)}\.png\*\* \(\[svg\]\({Regex.Escape(figure)}\.svg\)\): (.+)");
            Assert.True(caption.Success, $"{figure} has no caption in report.md");
            Assert.Matches("^(Figures? 6-1[0-9, and6-]+ of the book|No figure in the book)", caption.Groups[1].Value);
        }

        Assert.Contains("36 of 36 curves passed", report, StringComparison.Ordinal);
        Assert.Contains("| PASS | Xavier/sigmoid mean, std (rel) |", report, StringComparison.Ordinal);
        Assert.Contains("≤ 1e-12", report, StringComparison.Ordinal);
    }

    /// <summary>Each inlined figure of report.html by name, with its caption (the text before the file links).</summary>
    private static Dictionary<string, string> Captions(string folder)
    {
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        int figures = Regex.Count(html, "<figure>");
        var captions = FigureCaption().Matches(html).ToDictionary(m => m.Groups[2].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value));
        Assert.Equal(figures, captions.Count);
        Assert.All(captions.Values, c => Assert.Contains("the book", c, StringComparison.OrdinalIgnoreCase));
        return captions;
    }

    [GeneratedRegex("<figcaption>([^<]+) <a href=\"([a-z_]+)\\.png\">")]
    private static partial Regex FigureCaption();
}
