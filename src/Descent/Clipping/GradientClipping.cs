using System.Numerics;
using System.Numerics.Tensors;
using Descent.NeuralNetworks;

namespace Descent.Clipping;

/// <summary>
/// Gradient clipping over <see cref="Parameter{T}"/> gradients, as PyTorch's
/// <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.
/// </summary>
public static class GradientClipping
{
    /// <summary>PyTorch adds this to the total norm before dividing, so a zero norm never divides by zero.</summary>
    public const double NormEpsilon = 1e-6;

    /// <summary>
    /// The p-norm of all gradients taken together, computed as PyTorch does: each gradient's norm, then
    /// the norm of those norms.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="normType">p: any positive number or <see cref="double.PositiveInfinity"/>; 1, 2 and ∞ take fast paths.</param>
    /// <returns>The total norm (0 for no parameters; NaN or ∞ when a gradient is non-finite).</returns>
    public static double GlobalNorm<T>(IReadOnlyList<Parameter<T>> parameters, double normType = 2.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckNormType(normType);
        double total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            double norm = Norm(parameters[i].Gradient.Span, normType);
            total = normType switch
            {
                double.PositiveInfinity => i == 0 ? norm : Max(total, norm),
                1.0 => total + norm,
                2.0 => total + (norm * norm),
                _ => total + Math.Pow(norm, normType),
            };
        }

        return normType switch
        {
            double.PositiveInfinity or 1.0 => total,
            2.0 => Math.Sqrt(total),
            _ => Math.Pow(total, 1.0 / normType),
        };
    }

    /// <summary>
    /// Scales all gradients together so their global norm is at most <paramref name="maxNorm"/>:
    /// g ← g · min(1, maxNorm / (‖g‖ + 1e-6)), exactly as PyTorch's <c>clip_grad_norm_</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters whose gradients are clipped in place.</param>
    /// <param name="maxNorm">The largest allowed norm; ≥ 0.</param>
    /// <param name="normType">p of the norm: 1, 2, ∞ or any positive number.</param>
    /// <param name="errorIfNonFinite">Throw instead of clipping when the norm is NaN or ∞ (PyTorch <c>error_if_nonfinite</c>).
    /// Without it a non-finite norm scales every gradient by 0 (NaN stays NaN), as in PyTorch.</param>
    /// <returns>The total norm before clipping.</returns>
    /// <exception cref="NonFiniteGradientException">The norm is NaN or ∞ and <paramref name="errorIfNonFinite"/> is set.</exception>
    public static double ClipByGlobalNorm<T>(IReadOnlyList<Parameter<T>> parameters, double maxNorm, double normType = 2.0, bool errorIfNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.NonNegative(maxNorm, nameof(maxNorm));
        double total = GlobalNorm(parameters, normType);
        if (errorIfNonFinite && !double.IsFinite(total))
        {
            throw new NonFiniteGradientException(
                $"The total {NormName(normType)} norm of the gradients of {parameters.Count} parameter(s) is {Guard.Format(total)}, so they cannot be clipped. Set errorIfNonFinite to false to clip anyway (every gradient is then multiplied by 0).");
        }

        double coefficient = Math.Min(maxNorm / (total + NormEpsilon), 1.0);
        if (coefficient != 1.0 || double.IsNaN(coefficient))
        {
            T c = T.CreateTruncating(coefficient);
            for (int i = 0; i < parameters.Count; i++)
            {
                var g = parameters[i].Gradient.Span;
                TensorPrimitives.Multiply(g, c, g);
            }
        }

        return total;
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>], as PyTorch's <c>clip_grad_value_</c> (NaN stays NaN).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters whose gradients are clipped in place.</param>
    /// <param name="clipValue">The bound; ≥ 0.</param>
    public static void ClipByValue<T>(IReadOnlyList<Parameter<T>> parameters, double clipValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.NonNegative(clipValue, nameof(clipValue));
        T high = T.CreateTruncating(clipValue);
        T low = -high;
        for (int i = 0; i < parameters.Count; i++)
        {
            var g = parameters[i].Gradient.Span;
            Activations.Clamp(g, low, high);
        }
    }

    internal static void CheckNormType(double normType)
    {
        if (!(normType > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(normType), normType, $"normType must be > 0 (1, 2, ∞ or another p); got {Guard.Format(normType)}.");
        }
    }

    internal static string NormName(double normType) => double.IsPositiveInfinity(normType) ? "∞" : "L" + Guard.Format(normType);

    private static double Norm<T>(ReadOnlySpan<T> g, double normType)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.IsEmpty)
        {
            return 0;
        }

        switch (normType)
        {
            case double.PositiveInfinity:
                // A plain loop: NaN must win, and the vector MaxMagnitude's NaN handling is not to be trusted under flush-to-zero (see Activations).
                double largest = 0;
                foreach (var x in g)
                {
                    largest = Max(largest, Math.Abs(double.CreateTruncating(x)));
                }

                return largest;
            case 1.0:
                return double.CreateTruncating(TensorPrimitives.SumOfMagnitudes(g));
            case 2.0:
                return Math.Sqrt(double.CreateTruncating(TensorPrimitives.SumOfSquares(g)));
            default:
                double sum = 0;
                foreach (var x in g)
                {
                    sum += Math.Pow(Math.Abs(double.CreateTruncating(x)), normType);
                }

                return Math.Pow(sum, 1.0 / normType);
        }
    }

    /// <summary>Maximum that propagates NaN, like torch.max over a tensor.</summary>
    private static double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);
}
