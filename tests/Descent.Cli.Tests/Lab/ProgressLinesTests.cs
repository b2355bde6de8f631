using System.Text.RegularExpressions;

namespace Descent.Cli.Tests.Lab;

/// <summary>Redirected progress: one line per record, labels padded so the counts line up, losses in significant digits.</summary>
public class ProgressLinesTests
{
    [Fact]
    public void ProgressLines_AlignTheirCounts_AndPrintLossesInSignificantDigits()
    {
        var (code, output) = LabConsole.Run("compare-mnist", "-o", "sgd:lr=1000", "-o", "adam:lr=0.001,label=A", "--iterations", "5", "--hidden", "16", "--out", LabConsole.TempFolder());
        Assert.True(code == 0, output);
        var lines = output.Split('\n').Where(l => l.Contains("/5  loss", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, lines.Count);
        Assert.Single(lines.Select(l => l.IndexOf("/5  loss", StringComparison.Ordinal)).Distinct());
        foreach (string line in lines)
        {
            // 2.261e7, not 22608132.0000; never 0.0000 or .NET's 2.67E-015.
            Assert.DoesNotMatch(new Regex(@"0\.0000|\d{5,}\.\d|E[+-]\d"), line.Split("loss")[1].Split(" s ")[0]);
        }
    }
}
