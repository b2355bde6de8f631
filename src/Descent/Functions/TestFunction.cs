using System.Globalization;

namespace Descent.Functions;

/// <summary>
/// A function of two variables with its gradient, a customary start point and a window to draw it in: the
/// landscapes on which optimizers are compared by eye (the book's figure 6-8 uses <see cref="Bowl"/>).
/// </summary>
public sealed class TestFunction
{
    private readonly Func<double, double, double> _value;
    private readonly Func<double, double, (double, double)> _gradient;

    private TestFunction(
        string name,
        string formula,
        Func<double, double, double> value,
        Func<double, double, (double, double)> gradient,
        (double X, double Y) start,
        (double X, double Y)[] minima,
        (double Min, double Max) xRange,
        (double Min, double Max) yRange)
    {
        Name = name;
        Formula = formula;
        _value = value;
        _gradient = gradient;
        Start = start;
        Minima = minima;
        XRange = xRange;
        YRange = yRange;
    }

    /// <summary>
    /// The book's anisotropic bowl f = x²/20 + y² (Deep Learning from Scratch, §6.1.4), from (−7, 2). Its gradient
    /// is computed as the book's <c>df</c> does, <c>(x / 10.0, 2.0 * y)</c>, so trajectories match it to the bit.
    /// </summary>
    public static TestFunction Bowl { get; } = new(
        "bowl",
        "x²/20 + y²",
        (x, y) => (x * x / 20.0) + (y * y),
        (x, y) => (x / 10.0, 2.0 * y),
        (-7.0, 2.0),
        [(0, 0)],
        (-10, 10),
        (-5, 5));

    /// <summary>Rosenbrock's banana valley (1 − x)² + 100 (y − x²)², minimum at (1, 1).</summary>
    public static TestFunction Rosenbrock { get; } = new(
        "rosenbrock",
        "(1 − x)² + 100 (y − x²)²",
        (x, y) => ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x))),
        (x, y) => ((-2 * (1 - x)) - (400 * x * (y - (x * x))), 200 * (y - (x * x))),
        (-1.5, 2.0),
        [(1, 1)],
        (-2, 2),
        (-1, 3));

    /// <summary>Beale's function, flat plateaus and sharp ridges, minimum at (3, 0.5).</summary>
    public static TestFunction Beale { get; } = new(
        "beale",
        "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        (x, y) =>
        {
            double a = 1.5 - x + (x * y), b = 2.25 - x + (x * y * y), c = 2.625 - x + (x * y * y * y);
            return (a * a) + (b * b) + (c * c);
        },
        (x, y) =>
        {
            double a = 1.5 - x + (x * y), b = 2.25 - x + (x * y * y), c = 2.625 - x + (x * y * y * y);
            double gx = (2 * a * (y - 1)) + (2 * b * ((y * y) - 1)) + (2 * c * ((y * y * y) - 1));
            double gy = (2 * a * x) + (2 * b * 2 * x * y) + (2 * c * 3 * x * y * y);
            return (gx, gy);
        },
        (1.0, 1.5),
        [(3, 0.5)],
        (-4.5, 4.5),
        (-4.5, 4.5));

    /// <summary>Himmelblau's function (x² + y − 11)² + (x + y² − 7)², four minima of value 0.</summary>
    public static TestFunction Himmelblau { get; } = new(
        "himmelblau",
        "(x² + y − 11)² + (x + y² − 7)²",
        (x, y) =>
        {
            double a = (x * x) + y - 11, b = x + (y * y) - 7;
            return (a * a) + (b * b);
        },
        (x, y) =>
        {
            double a = (x * x) + y - 11, b = x + (y * y) - 7;
            return ((4 * x * a) + (2 * b), (2 * a) + (4 * y * b));
        },
        (0.0, 0.0),
        [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
        (-5, 5),
        (-5, 5));

    /// <summary>Rastrigin's function 20 + Σ (v² − 10 cos 2πv), a grid of local minima around the global one at (0, 0).</summary>
    public static TestFunction Rastrigin { get; } = new(
        "rastrigin",
        "20 + x² − 10 cos 2πx + y² − 10 cos 2πy",
        (x, y) => 20 + (x * x) - (10 * Math.Cos(2 * Math.PI * x)) + (y * y) - (10 * Math.Cos(2 * Math.PI * y)),
        (x, y) => ((2 * x) + (20 * Math.PI * Math.Sin(2 * Math.PI * x)), (2 * y) + (20 * Math.PI * Math.Sin(2 * Math.PI * y))),
        (3.3, -2.7),
        [(0, 0)],
        (-5.12, 5.12),
        (-5.12, 5.12));

    /// <summary>The saddle x² − y²: started just off the ridge, a method must escape along y (unbounded below).</summary>
    public static TestFunction Saddle { get; } = new(
        "saddle",
        "x² − y²",
        (x, y) => (x * x) - (y * y),
        (x, y) => (2 * x, -2 * y),
        (-1.5, 0.01),
        [],
        (-2, 2),
        (-2, 2));

    /// <summary>Every function, in the order the CLI lists them.</summary>
    public static IReadOnlyList<TestFunction> All { get; } = [Bowl, Rosenbrock, Beale, Himmelblau, Rastrigin, Saddle];

    /// <summary>The short lower-case name used on the command line, e.g. <c>"rosenbrock"</c>.</summary>
    public string Name { get; }

    /// <summary>The formula, for titles and reports.</summary>
    public string Formula { get; }

    /// <summary>Where the comparison starts unless told otherwise.</summary>
    public (double X, double Y) Start { get; }

    /// <summary>The global minima (empty when the function is unbounded below).</summary>
    public IReadOnlyList<(double X, double Y)> Minima { get; }

    /// <summary>The x interval a plot shows.</summary>
    public (double Min, double Max) XRange { get; }

    /// <summary>The y interval a plot shows.</summary>
    public (double Min, double Max) YRange { get; }

    /// <summary>Finds a function by name (case-insensitive).</summary>
    /// <param name="name">One of the names in <see cref="All"/>.</param>
    /// <returns>The function.</returns>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid ones.</exception>
    public static TestFunction Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Unknown function '{name}'. Valid functions: {string.Join(", ", All.Select(f => f.Name))}."),
                nameof(name));
    }

    /// <summary>f(x, y).</summary>
    /// <param name="x">First coordinate.</param>
    /// <param name="y">Second coordinate.</param>
    /// <returns>The value.</returns>
    public double Value(double x, double y) => _value(x, y);

    /// <summary>∇f(x, y) = (∂f/∂x, ∂f/∂y).</summary>
    /// <param name="x">First coordinate.</param>
    /// <param name="y">Second coordinate.</param>
    /// <returns>The gradient.</returns>
    public (double X, double Y) Gradient(double x, double y) => _gradient(x, y);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: f(x, y) = {Formula}";
}
