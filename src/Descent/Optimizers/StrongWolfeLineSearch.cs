using System.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// The strong-Wolfe line search of <see cref="Lbfgs{T}"/>: PyTorch's <c>_strong_wolfe</c>, itself a port of
/// Torch7's <c>lswolfe.lua</c> with <c>polyinterp.lua</c>'s cubic interpolation. A bracketing phase grows the
/// step until it brackets a point satisfying both conditions (sufficient decrease with c₁ = 1e-4, curvature with
/// c₂ = 0.9); a zoom phase then shrinks the bracket by cubic interpolation. Gradient buffers are kept between
/// searches, so a search allocates nothing once the problem size is known.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal sealed class StrongWolfeLineSearch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // The constants PyTorch's _strong_wolfe uses (its call site passes none of them).
    private const double ArmijoC1 = 1e-4;
    private const double CurvatureC2 = 0.9;
    private const double LineSearchToleranceChange = 1e-9;
    private const int MaxLineSearchIterations = 25;

    private readonly T[][] _bracketG = [[], []];
    private T[] _trial = [];
    private T[] _previousTrial = [];

    /// <summary>Searches along <paramref name="d"/> from the current point.</summary>
    /// <param name="evaluate">The loss at start + t·d for a given t, writing the gradient there into the given buffer (and leaving the point at the start).</param>
    /// <param name="t">The first step to try.</param>
    /// <param name="d">The search direction.</param>
    /// <param name="f">The loss at the start.</param>
    /// <param name="g">The gradient at the start; on return, the gradient at the accepted step.</param>
    /// <param name="gtd">The directional derivative gᵀd at the start (negative).</param>
    /// <returns>The loss at the accepted step, the step, and the evaluations used.</returns>
    public (double Loss, double T, int Evaluations) Search(Func<double, T[], double> evaluate, double t, T[] d, double f, T[] g, double gtd)
    {
        int n = d.Length;
        if (_trial.Length != n)
        {
            (_trial, _previousTrial) = (new T[n], new T[n]);
            _bracketG[0] = new T[n];
            _bracketG[1] = new T[n];
        }

        var (trial, previousTrial, bracketG) = (_trial, _previousTrial, _bracketG);
        Span<double> bracket = stackalloc double[2];
        Span<double> bracketF = stackalloc double[2];
        Span<double> bracketGtd = stackalloc double[2];

        double dNorm = Lbfgs<T>.MaxAbs(d);
        double fNew = evaluate(t, trial);
        int evaluations = 1;
        double gtdNew = Lbfgs<T>.Dot(trial, d);

        // Bracketing phase: g is not written during the search, so the previous gradient may start as g itself.
        double tPrevious = 0;
        double fPrevious = f;
        T[] gPrevious = g;
        double gtdPrevious = gtd;
        bool done = false;
        int iteration = 0;
        int size = 0;
        while (iteration < MaxLineSearchIterations)
        {
            bool single = false;
            if (fNew > f + (ArmijoC1 * t * gtd) || (iteration > 1 && fNew >= fPrevious))
            {
                size = 2;
            }
            else if (Math.Abs(gtdNew) <= -CurvatureC2 * gtd)
            {
                single = true;
            }
            else if (gtdNew >= 0)
            {
                size = 2;
            }

            if (single)
            {
                (bracket[0], bracketF[0], size, done) = (t, fNew, 1, true);
                trial.CopyTo(bracketG[0], 0);
                break;
            }

            if (size == 2)
            {
                (bracket[0], bracket[1]) = (tPrevious, t);
                (bracketF[0], bracketF[1]) = (fPrevious, fNew);
                (bracketGtd[0], bracketGtd[1]) = (gtdPrevious, gtdNew);
                gPrevious.CopyTo(bracketG[0], 0);
                trial.CopyTo(bracketG[1], 0);
                break;
            }

            double minStep = t + (0.01 * (t - tPrevious));
            double maxStep = t * 10;
            double previousT = t;
            t = CubicInterpolate(tPrevious, fPrevious, gtdPrevious, t, fNew, gtdNew, minStep, maxStep);

            tPrevious = previousT;
            fPrevious = fNew;
            trial.CopyTo(previousTrial, 0);
            gPrevious = previousTrial;
            gtdPrevious = gtdNew;
            fNew = evaluate(t, trial);
            evaluations++;
            gtdNew = Lbfgs<T>.Dot(trial, d);
            iteration++;
        }

        if (iteration == MaxLineSearchIterations)
        {
            (bracket[0], bracket[1]) = (0, t);
            (bracketF[0], bracketF[1]) = (f, fNew);
            g.CopyTo(bracketG[0], 0);
            trial.CopyTo(bracketG[1], 0);
            size = 2;
        }

        // Zoom phase: shrink the bracket until a point satisfies the strong Wolfe conditions.
        bool insufficientProgress = false;
        var (lowIndex, highIndex) = bracketF[0] <= bracketF[size - 1] ? (0, 1) : (1, 0);
        while (!done && iteration < MaxLineSearchIterations)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < LineSearchToleranceChange)
            {
                break;
            }

            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

            // Keep t at least a tenth of the bracket away from its ends when progress stalls.
            double top = PyMax(bracket[0], bracket[1]);
            double bottom = PyMin(bracket[0], bracket[1]);
            double eps = 0.1 * (top - bottom);
            if (PyMin(top - t, t - bottom) < eps)
            {
                if (insufficientProgress || t >= top || t <= bottom)
                {
                    t = Math.Abs(t - top) < Math.Abs(t - bottom) ? top - eps : bottom + eps;
                    insufficientProgress = false;
                }
                else
                {
                    insufficientProgress = true;
                }
            }
            else
            {
                insufficientProgress = false;
            }

            fNew = evaluate(t, trial);
            evaluations++;
            gtdNew = Lbfgs<T>.Dot(trial, d);
            iteration++;

            if (fNew > f + (ArmijoC1 * t * gtd) || fNew >= bracketF[lowIndex])
            {
                // Armijo fails or no lower than the low end: t becomes the new high end.
                bracket[highIndex] = t;
                bracketF[highIndex] = fNew;
                trial.CopyTo(bracketG[highIndex], 0);
                bracketGtd[highIndex] = gtdNew;
                (lowIndex, highIndex) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -CurvatureC2 * gtd)
                {
                    done = true;
                }
                else if (gtdNew * (bracket[highIndex] - bracket[lowIndex]) >= 0)
                {
                    bracket[highIndex] = bracket[lowIndex];
                    bracketF[highIndex] = bracketF[lowIndex];
                    bracketG[lowIndex].CopyTo(bracketG[highIndex], 0);
                    bracketGtd[highIndex] = bracketGtd[lowIndex];
                }

                bracket[lowIndex] = t;
                bracketF[lowIndex] = fNew;
                trial.CopyTo(bracketG[lowIndex], 0);
                bracketGtd[lowIndex] = gtdNew;
            }
        }

        bracketG[lowIndex].CopyTo(g, 0);
        return (bracketF[lowIndex], bracket[lowIndex], evaluations);
    }

    /// <summary>
    /// Minimizer of the cubic through (x₁, f₁, g₁) and (x₂, f₂, g₂), clamped to the bounds (default: between the
    /// points); their midpoint when the cubic has no real minimizer. Port of Torch7's <c>polyinterp</c>.
    /// </summary>
    internal static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double? lowerBound = null, double? upperBound = null)
    {
        double xmin = lowerBound ?? (x1 <= x2 ? x1 : x2);
        double xmax = upperBound ?? (x1 <= x2 ? x2 : x1);
        double d1 = g1 + g2 - (3 * (f1 - f2) / (x1 - x2));
        double d2Square = (d1 * d1) - (g1 * g2);
        if (d2Square >= 0)
        {
            double d2 = Math.Sqrt(d2Square);
            double minPosition = x1 <= x2
                ? x2 - ((x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + (2 * d2))))
                : x1 - ((x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + (2 * d2))));
            return PyMin(PyMax(minPosition, xmin), xmax);
        }

        return (xmin + xmax) / 2.0;
    }

    // Python's max/min keep the first argument unless the second compares greater/smaller.
    internal static double PyMax(double a, double b) => b > a ? b : a;

    internal static double PyMin(double a, double b) => b < a ? b : a;
}
