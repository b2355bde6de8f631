using Descent.Optimizers;

namespace Descent.Cli.Tests.Tuning;

public class ExplainTests
{
    [Fact]
    public void Explain_WorksForEveryCatalogEntry_WithItsSummaryDefaultsAndMeasuredState()
    {
        foreach (var info in OptimizerCatalog.All)
        {
            var (code, output) = LabConsole.Run("explain", info.Name, "--conventions", "pytorch");
            Assert.True(code == 0, $"{info.Name}: {output}");
            Assert.Contains(info.Name, output, StringComparison.Ordinal);
            Assert.Contains(info.Summary, output, StringComparison.Ordinal);
            Assert.Contains("defaults: " + info.Defaults.GetType().Name, output, StringComparison.Ordinal);
            Assert.Contains("state: ", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Explain_MeasuresAdamsTwoMomentsAndAdafactorsFactoredOnes()
    {
        var (_, adam) = LabConsole.Run("explain", "Adam");
        Assert.Contains("exp_avg (1024 values), exp_avg_sq (1024 values)", adam, StringComparison.Ordinal);
        Assert.Contains("2 value(s) per parameter element", adam, StringComparison.Ordinal);
        var (_, adafactor) = LabConsole.Run("explain", "adafactor");
        Assert.Contains("row_var (32 values), col_var (32 values)", adafactor, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_AnUnknownName_IsAUsageErrorListingTheValidOnes()
    {
        var (code, output) = LabConsole.Run("explain", "adamx");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("Valid:", output, StringComparison.Ordinal);
    }
}
