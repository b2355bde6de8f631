using Descent.Cli.Bench;

namespace Descent.Cli.Tests.Bench;

public class MachineProbeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void Triad_ReportsPositiveFiniteOrderedRates(int threads)
    {
        var rates = MachineProbe.Triad(threads, length: 4099, repetitions: 3);
        AssertOrderedPositive(rates);
        Assert.Equal(threads == -1 ? Environment.ProcessorCount : threads, rates.Threads);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FmaPeak_ReportsPositiveFiniteOrderedRates(int threads)
    {
        var rates = MachineProbe.FmaPeak(threads, iterations: 1000, repetitions: 3);
        AssertOrderedPositive(rates);
        Assert.Equal(threads, rates.Threads);
    }

    [Fact]
    public void BadArguments_AreRejected_WithTheirNames()
    {
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => MachineProbe.Triad(0, 10, 1)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => MachineProbe.Triad(1, 0, 1)).ParamName);
        Assert.Equal("repetitions", Assert.Throws<ArgumentOutOfRangeException>(() => MachineProbe.FmaPeak(1, 10, 0)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => MachineProbe.FmaPeak(-2, 10, 1)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => MachineProbe.FmaPeak(1, 0, 1)).ParamName);
    }

    private static void AssertOrderedPositive(ProbeRates rates)
    {
        Assert.True(double.IsFinite(rates.Best) && rates.Best > 0, $"best {rates.Best}");
        Assert.True(rates.Worst > 0 && rates.Worst <= rates.Median && rates.Median <= rates.Best, rates.ToString());
    }
}
