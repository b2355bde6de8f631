#region README lbfgs
using Descent;
using Descent.Optimizers;

#endregion
namespace Samples;

/// <summary>The README's L-BFGS example: Rosenbrock from (−1.5, 2) with a strong-Wolfe line search.</summary>
public static class LbfgsRosenbrock
{
    /// <summary>Runs the example; returns the loss <c>Step</c> returned and the point reached.</summary>
    public static (double Loss, double[] Point) Run()
    {
        #region README lbfgs
        var xy = new Parameter<double>("xy", [-1.5, 2.0]);
        var lbfgs = new Lbfgs<double>([xy], new LbfgsOptions { MaxIterations = 100, LineSearch = LbfgsLineSearch.StrongWolfe });
        double loss = lbfgs.Step(() =>
        {
            Span<double> v = xy.Value.Span, g = xy.Gradient.Span;
            double c = v[1] - v[0] * v[0];
            g[0] = -2 * (1 - v[0]) - 400 * v[0] * c;
            g[1] = 200 * c;
            return (1 - v[0]) * (1 - v[0]) + 100 * c * c;   // Rosenbrock
        });
        #endregion
        return (loss, xy.Value.ToArray());
    }
}
