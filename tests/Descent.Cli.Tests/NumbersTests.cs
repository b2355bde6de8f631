namespace Descent.Cli.Tests;

public class NumbersTests
{
    [Theory]
    [InlineData(2.67e-15, 2, "2.7e-15")]
    [InlineData(1e-10, 2, "1e-10")]
    [InlineData(0.0000123456, 4, "1.235e-5")]
    [InlineData(0.031234, 2, "0.031")]
    [InlineData(2.302585, 4, "2.303")]
    [InlineData(0.001, 3, "0.001")]
    [InlineData(1234.5, 4, "1235")]
    [InlineData(2.5e7, 2, "2.5e7")]
    [InlineData(-3.25e-8, 3, "-3.25e-8")]
    [InlineData(0.0, 4, "0")]
    [InlineData(double.NaN, 4, "NaN")]
    public void Format_UsesSignificantDigits_AndAShortExponent(double value, int digits, string expected)
    {
        Assert.Equal(expected, Numbers.Format(value, digits));
    }

    [Fact]
    public void Format_NeverPrintsASmallLossAsZero()
    {
        Assert.NotEqual("0", Numbers.Format(4e-5, 4));
        Assert.Equal("4e-5", Numbers.Format(4e-5, 4));
    }
}
