using System.Globalization;
using Descent.Cli.Lab;
using Descent.Functions;

namespace Descent.Cli.Tests.Lab;

/// <summary>
/// compare-2d's defaults (<see cref="TwoDDefaults"/>): every default optimizer converges on every function at its
/// default rate, in both conventions, and every measured rate is what its comment says it is — the top of the lowest
/// run of converging rates on the grid 1, 2, 5 × 10^k.
/// </summary>
public class TwoDDefaultsTests
{
    public static TheoryData<string, string> FunctionsAndConventions()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in TestFunction.All)
        {
            data.Add(f.Name, "book");
            data.Add(f.Name, "pytorch");
        }

        return data;
    }

    public static TheoryData<string> MeasuredFunctions() => [.. TestFunction.All.Where(f => f != TestFunction.Bowl).Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(FunctionsAndConventions))]
    public void EveryDefaultOptimizer_ConvergesAtItsDefaultRate(string name, string conventions)
    {
        var f = TestFunction.Get(name);
        var defaults = TwoDDefaults.For(f);
        var convention = LabOptions.ParseConventions(conventions);
        // The bowl's 30 steps are the book's figure 6-8, which stops before Momentum and Adam settle.
        int steps = f == TestFunction.Bowl ? 100 : defaults.Steps;
        var record = TwoDExperiment.Run(f, f.Start, steps, defaults.Specs(convention), convention);
        Assert.Equal(4, record.Runs.Count);
        foreach (var run in record.Runs)
        {
            Assert.True(Converges(f, run), $"{run.Optimizer} on {name} ({conventions}) ends at ({run.X[^1]}, {run.Y[^1]}){(run.DivergedAt is { } k ? $", diverged at step {k}" : string.Empty)}");
        }
    }

    [Theory]
    [MemberData(nameof(MeasuredFunctions))]
    public void EveryMeasuredRate_IsTheTopOfTheLowestConvergingRunOnTheGrid(string name)
    {
        var f = TestFunction.Get(name);
        var defaults = TwoDDefaults.For(f);
        double[] grid = [.. Enumerable.Range(-6, 9).SelectMany(e => new[] { 1, 2, 5 }.Select(m => m * Math.Pow(10, e)))];
        foreach (var (optimizer, rate) in new[] { ("sgd", defaults.Sgd), ("momentum", defaults.Momentum), ("adagrad", defaults.AdaGrad), ("adam", defaults.Adam) })
        {
            double? top = null;
            foreach (double lr in grid)
            {
                var spec = OptimizerSpec.Parse(string.Create(CultureInfo.InvariantCulture, $"{optimizer}:lr={lr:R}"));
                bool converges = Converges(f, TwoDExperiment.Run(f, f.Start, defaults.Steps, [spec], Conventions.Book).Runs[0]);
                if (converges)
                {
                    top = lr;
                }
                else if (top is not null)
                {
                    break;
                }
            }

            Assert.True(top == rate, $"{optimizer} on {name} in {defaults.Steps} steps: the grid's top converging rate is {top?.ToString(CultureInfo.InvariantCulture) ?? "none"}; the default is {rate.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    [Fact]
    public void Compare2d_WithoutOptimizers_RunsTheFunctionsDefaults()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("compare-2d", "-f", "beale", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("200 steps", output, StringComparison.Ordinal);
        Assert.Contains("sgd:lr=0.02", output, StringComparison.Ordinal);
        Assert.DoesNotContain("diverged", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Finite, inside the plotted window, and ending within 2.5 % of the window's width of a local minimum; on a
    /// function without minima (the saddle): x shrinks and the path leaves the window along y.
    /// </summary>
    private static bool Converges(TestFunction f, TrajectoryRecord run)
    {
        if (run.DivergedAt is not null || run.InterruptedAt is not null)
        {
            return false;
        }

        double x = run.X[^1], y = run.Y[^1];
        bool inX = run.X.All(v => v >= f.XRange.Min && v <= f.XRange.Max);
        bool inY = run.Y.All(v => v >= f.YRange.Min && v <= f.YRange.Max);
        if (f.Minima.Count == 0)
        {
            return inX && !inY && Math.Abs(x) < Math.Abs(run.X[0]);
        }

        double tolerance = 0.025 * (f.XRange.Max - f.XRange.Min);
        return inX && inY && LocalMinimum(f, x, y) is { } m && Math.Sqrt(((m.X - x) * (m.X - x)) + ((m.Y - y) * (m.Y - y))) <= tolerance;
    }

    /// <summary>Where Newton's method from (x, y) settles (Hessian by central differences of the gradient), if that is a minimum.</summary>
    private static (double X, double Y)? LocalMinimum(TestFunction f, double x, double y)
    {
        for (int i = 0; i < 100; i++)
        {
            var (gx, gy) = f.Gradient(x, y);
            double h = 1e-6 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
            var (xPlus, yxPlus) = f.Gradient(x + h, y);
            var (xMinus, yxMinus) = f.Gradient(x - h, y);
            var (xyPlus, yPlus) = f.Gradient(x, y + h);
            var (xyMinus, yMinus) = f.Gradient(x, y - h);
            double hxx = (xPlus - xMinus) / (2 * h), hyy = (yPlus - yMinus) / (2 * h);
            double hxy = 0.5 * (((xyPlus - xyMinus) / (2 * h)) + ((yxPlus - yxMinus) / (2 * h)));
            double det = (hxx * hyy) - (hxy * hxy);
            if (Math.Sqrt((gx * gx) + (gy * gy)) < 1e-10)
            {
                return det > 0 && hxx > 0 ? (x, y) : null;
            }

            if (det == 0 || !double.IsFinite(det))
            {
                return null;
            }

            x -= ((hyy * gx) - (hxy * gy)) / det;
            y -= ((hxx * gy) - (hxy * gx)) / det;
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                return null;
            }
        }

        return null;
    }
}
