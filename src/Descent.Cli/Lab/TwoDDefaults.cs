using System.Globalization;
using Descent.Functions;

namespace Descent.Cli.Lab;

/// <summary>
/// What <c>compare-2d</c> runs on each function when not told: the number of steps and the learning rate of each of
/// the four default optimizers (SGD, Momentum, AdaGrad, Adam; the book's classes, or torch.optim's under
/// <c>--conventions pytorch</c>, which take the same rates).
/// </summary>
/// <remarks>
/// <para>Where the numbers come from. The bowl's are the book's figure 6-8 (30 steps; 0.95, 0.1, 1.5, 0.3). Every other
/// row was measured with this code (book conventions): on the grid 1, 2, 5 × 10^k (10⁻⁶ … 500), the rate is the top of
/// the lowest run of rates at which the optimizer <i>converges</i> from the function's customary start in its steps.
/// The steps are a round number chosen so that all four converge (for Rosenbrock and Beale the fewest of 30, 50, 100,
/// 200, 500, 1000, 2000, 5000: AdaGrad needs 5000 in Rosenbrock's valley, SGD 200 on Beale's plateau).</para>
/// <para><i>Converges</i>: the path stays finite and inside the plotted window, and ends within 2.5 % of the window's
/// width of a local minimum of f (the point where Newton's method from the end settles with a positive-definite
/// Hessian). On the saddle, which has no minimum, it means escaping: x shrinks towards the ridge and the path leaves
/// the window along y. Rastrigin's paths end in the local minimum of their basin, which is what the figure shows.</para>
/// <para>TwoDDefaultsTests re-measures all of it: every default converges in both conventions (the bowl's within 100
/// steps: the book's figure stops at 30, before Momentum and Adam settle), and every measured rate is the top of its
/// lowest converging run on the grid.</para>
/// </remarks>
internal sealed record TwoDDefaults(int Steps, double Sgd, double Momentum, double AdaGrad, double Adam)
{
    private static readonly Dictionary<string, TwoDDefaults> ByFunction = new(StringComparer.Ordinal)
    {
        ["bowl"] = new(TwoDExperiment.BookSteps, 0.95, 0.1, 1.5, 0.3),
        ["rosenbrock"] = new(5000, 0.002, 0.002, 1, 0.2),
        ["beale"] = new(200, 0.02, 0.005, 2, 1),
        ["himmelblau"] = new(100, 0.02, 0.02, 5, 2),
        ["rastrigin"] = new(100, 0.005, 0.005, 1, 0.5),
        ["saddle"] = new(50, 0.5, 1, 2, 2),
    };

    /// <summary>The defaults of <paramref name="function"/>.</summary>
    public static TwoDDefaults For(TestFunction function) => ByFunction[function.Name];

    /// <summary>The four default optimizers at these rates: the book's classes, or their torch.optim equivalents.</summary>
    public IReadOnlyList<OptimizerSpec> Specs(Conventions conventions)
    {
        string Rate(double lr) => lr.ToString("R", CultureInfo.InvariantCulture);
        return conventions == Conventions.Book
            ?
            [
                OptimizerSpec.Parse($"sgd:lr={Rate(Sgd)},label=SGD"),
                OptimizerSpec.Parse($"momentum:lr={Rate(Momentum)},label=Momentum"),
                OptimizerSpec.Parse($"adagrad:lr={Rate(AdaGrad)},label=AdaGrad"),
                OptimizerSpec.Parse($"adam:lr={Rate(Adam)},label=Adam"),
            ]
            :
            [
                OptimizerSpec.Parse($"sgd:lr={Rate(Sgd)},label=SGD"),
                OptimizerSpec.Parse($"sgd:lr={Rate(Momentum)},momentum=0.9,label=Momentum"),
                OptimizerSpec.Parse($"adagrad:lr={Rate(AdaGrad)},label=AdaGrad"),
                OptimizerSpec.Parse($"adam:lr={Rate(Adam)},label=Adam"),
            ];
    }
}
