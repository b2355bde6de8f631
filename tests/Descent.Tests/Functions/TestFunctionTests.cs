using Descent.Functions;

namespace Descent.Tests.Functions;

public class TestFunctionTests
{
    public static TheoryData<string> Names => [.. TestFunction.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_MatchesCentralDifferences(string name)
    {
        var f = TestFunction.Get(name);
        var rng = new Descent.Randomness.MersenneTwister(11);
        const double h = 1e-6;
        for (int i = 0; i < 50; i++)
        {
            double x = f.XRange.Min + ((f.XRange.Max - f.XRange.Min) * rng.NextDouble());
            double y = f.YRange.Min + ((f.YRange.Max - f.YRange.Min) * rng.NextDouble());
            var (gx, gy) = f.Gradient(x, y);
            double nx = (f.Value(x + h, y) - f.Value(x - h, y)) / (2 * h);
            double ny = (f.Value(x, y + h) - f.Value(x, y - h)) / (2 * h);
            Assert.True(Math.Abs(gx - nx) <= 1e-5 * Math.Max(1, Math.Abs(nx)), $"{name} ∂f/∂x at ({x}, {y}): {gx} vs {nx}");
            Assert.True(Math.Abs(gy - ny) <= 1e-5 * Math.Max(1, Math.Abs(ny)), $"{name} ∂f/∂y at ({x}, {y}): {gy} vs {ny}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Minima_AreStationary(string name)
    {
        var f = TestFunction.Get(name);
        foreach (var (x, y) in f.Minima)
        {
            var (gx, gy) = f.Gradient(x, y);
            Assert.True(Math.Abs(gx) < 1e-4 && Math.Abs(gy) < 1e-4, $"{name} at ({x}, {y}): gradient ({gx}, {gy})");
        }
    }

    [Fact]
    public void Get_UnknownName_ListsTheValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => TestFunction.Get("banana"));
        Assert.Contains("banana", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rosenbrock", ex.Message, StringComparison.Ordinal);
        Assert.Same(TestFunction.Bowl, TestFunction.Get("BOWL"));
    }

    [Fact]
    public void Bowl_UsesTheBooksGradientArithmetic()
    {
        // The book's df returns x / 10.0 (not x * 0.1, which rounds differently) and 2.0 * y.
        Assert.Equal((-7.0 / 10.0, 4.0), TestFunction.Bowl.Gradient(-7, 2));
        Assert.Equal((-7.0, 2.0), TestFunction.Bowl.Start);
    }
}
