using Descent.Cli.Lab;
using Descent.Cli.Tuning;

namespace Descent.Cli.Tests.Tuning;

public class HalvingAndSpaceTests
{
    [Fact]
    public void Plan_ForTheIssuesBudget_KeepsAThirdPerRung_AndFitsTheBudget()
    {
        var plan = HalvingPlan.Create(20000, 2000, 3, 3);
        Assert.Equal([(27, 222), (9, 667), (3, 2000)], plan.Rungs.Select(r => (r.Configurations, r.Iterations)));
        Assert.Equal((27 * 222) + (9 * 667) + (3 * 2000), plan.Cost);
        Assert.True(plan.Cost <= 20000);
    }

    [Fact]
    public void Plan_TooSmallForOneConfigurationPerRung_IsAUsageErrorNamingTheMinimum()
    {
        var e = Assert.Throws<UsageException>(() => HalvingPlan.Create(100, 2000, 3, 3));
        Assert.Contains("5999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Space_ParsesRangesAndScales_AndSamplesInsideThem_TheSameEveryTime()
    {
        var space = SearchSpace.Parse("adam:lr=1e-5..1e-1:log,beta2=0.9..0.9999");
        Assert.Equal("adam", space.Optimizer);
        Assert.Equal([new SearchDimension("lr", 1e-5, 1e-1, true), new SearchDimension("beta2", 0.9, 0.9999, false)], space.Dimensions);
        var lrs = new List<double>();
        for (int i = 0; i < 200; i++)
        {
            var spec = space.Sample(7, 1, i);
            Assert.Equal(spec.Text, space.Sample(7, 1, i).Text);
            double lr = double.Parse(spec.Options[0].Value, System.Globalization.CultureInfo.InvariantCulture);
            double beta2 = double.Parse(spec.Options[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(lr, 1e-5, 1e-1);
            Assert.InRange(beta2, 0.9, 0.9999);
            lrs.Add(lr);
        }

        // Log-uniform: about half the draws fall below the geometric middle (1e-3), far more than a linear scale would put there.
        Assert.InRange(lrs.Count(lr => lr < 1e-3), 70, 130);
        Assert.NotEqual(space.Sample(7, 1, 0).Text, space.Sample(8, 1, 0).Text);
    }

    [Theory]
    [InlineData("adam", "no optimizer name or no options")]
    [InlineData("adam:lr=1e-5", "is not KEY=LOW..HIGH")]
    [InlineData("adam:lr=1..0.1", "LOW < HIGH")]
    [InlineData("adam:lr=0..0.1:log", "LOW > 0")]
    [InlineData("adam:lr=0.1..1,lr=0.2..1", "given twice")]
    public void MalformedSpaces_AreUsageErrors(string text, string expected)
    {
        var e = Assert.Throws<UsageException>(() => SearchSpace.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARangeReachingAnInvalidValue_IsAUsageErrorNamingTheOption_BeforeAnythingTrains()
    {
        var (code, output) = LabConsole.Run("tune", "--optimizers", "adam", "--space", "adam:lr=1e-3..1e-1:log,beta2=0.9..1.5", "--budget", "100");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("Beta2", output, StringComparison.Ordinal);
    }
}
