using System.Text.Json;

namespace Descent.Cli.Tests.Lab;

public class CompareTests
{
    [Fact]
    public void TinyCompare_WritesTheRunFolder_AndPrintsSeedSummaryAndPaths()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare", "--iterations", "15", "--hidden", "16", "--steps", "6", "--seed", "3", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("Seed: 3", output, StringComparison.Ordinal);
        Assert.Contains("Flush denormals", output, StringComparison.Ordinal);

        // Output is not a terminal here: plain progress lines instead of live bars.
        Assert.Contains("15/15", output, StringComparison.Ordinal);
        foreach (string label in new[] { "SGD", "Momentum", "AdaGrad", "Adam", "BookAdam", "test accuracy" })
        {
            Assert.Contains(label, output, StringComparison.Ordinal);
        }

        Assert.Contains(Path.Combine(folder, "report.html"), output, StringComparison.Ordinal);
        foreach (string file in new[] { "run.json", "trajectories.csv", "losses.csv", "summary.csv", "trajectories.png", "trajectories.svg", "losses.png", "losses.svg", "values.png", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        Assert.Equal(3, json.RootElement.GetProperty("Seed").GetInt64());
        var runs = json.RootElement.GetProperty("Mnist").GetProperty("Runs");
        Assert.Equal(4, runs.GetArrayLength());
        foreach (var run in runs.EnumerateArray())
        {
            Assert.Equal(15, run.GetProperty("Loss").GetArrayLength());
            Assert.InRange(run.GetProperty("TestAccuracy").GetDouble(), 0, 1);
            Assert.True(run.GetProperty("Seconds").GetDouble() > 0);
        }

        // 15 iterations plus the header; one column per optimizer plus the iteration.
        string[] lines = File.ReadAllLines(Path.Combine(folder, "losses.csv"));
        Assert.Equal(16, lines.Length);
        Assert.Equal("iteration,SGD,Momentum,AdaGrad,Adam", lines[0]);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(folder, "summary.csv")).Length);
        string report = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("test accuracy", report, StringComparison.Ordinal);

        // The report names every optimizer it ran once, with its update in short and its reference.
        Assert.Contains("<h2>Optimizers</h2>", report, StringComparison.Ordinal);
        var used = Descent.Cli.Tuning.OptimizerDocText.Resolve(runs.EnumerateArray().Select(r => r.GetProperty("Optimizer").GetString()!));
        Assert.Equal(4, used.Count);
        foreach (var info in used)
        {
            Assert.Contains(Descent.Cli.Tuning.OptimizerDocText.HtmlLine(info), report, StringComparison.Ordinal);
        }

        Assert.True(report.Split("<svg ").Length - 1 >= 3, "the report inlines the trajectories, values and losses figures");
        var ids = System.Text.RegularExpressions.Regex.Matches(report, "id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void SameSeed_GivesTheSameLosses_WhateverTheThreads_AnotherSeedDoesNot()
    {
        double[] Run(string seed, string threads = "2")
        {
            string folder = LabConsole.TempFolder();
            var (code, output) = LabConsole.Run("compare-mnist", "-o", "sgd:lr=0.05", "-o", "adam:lr=0.01", "--iterations", "5", "--hidden", "8", "--seed", seed, "--threads", threads, "--out", folder);
            Assert.True(code == 0, output);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
            return [.. json.RootElement.GetProperty("Mnist").GetProperty("Runs").EnumerateArray().SelectMany(r => r.GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble()))];
        }

        Assert.Equal(Run("11"), Run("11"));
        Assert.Equal(Run("11"), Run("11", threads: "1"));
        Assert.NotEqual(Run("11"), Run("12"));
    }

    [Fact]
    public void ReproduceBook_WithAConflictingOption_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("compare-mnist", "--reproduce-book", "--hidden", "50", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--hidden", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--schedule", "StepLR(gamma=0.5", "--schedule")]
    [InlineData("--hidden", "100,x", "'x'")]
    [InlineData("--init", "normalish", "normalish")]
    [InlineData("--dropout", "1.5", "--dropout")]
    [InlineData("--activation", "gelu", "relu")]
    [InlineData("--precision", "half", "double")]
    public void BadMnistValues_AreUsageErrors(string option, string value, string expected)
    {
        var (code, output) = LabConsole.Run("compare-mnist", option, value, "--iterations", "1", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
