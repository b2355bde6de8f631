using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Optimizers;

/// <summary>
/// An adaptive optimizer whose update divides a learning rate by a root of its second-moment state, so that each
/// element takes its own step: Adam and AdamW (η / (√v̂ + ε) applied to m̂), AdaGrad and RMSprop (η / (√s + ε)
/// applied to g), and the book's Adam, AdaGrad and RMSprop in their own ε placement. Diagnostics read it between
/// steps at a logging interval; <see cref="IOptimizer.Step"/> never computes it. Optimizers without such a
/// per-element rate (SGD, Momentum, Lion, …) do not implement it.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Writes the per-element step size of the last update of one parameter, from the optimizer's state after it
    /// (the rate and bias corrections of that step): the factor the update multiplied its direction by.
    /// </summary>
    /// <param name="parameterName">The parameter's name.</param>
    /// <param name="destination">One element per parameter element.</param>
    /// <returns>False when the parameter is not this optimizer's or has no state yet (before its first step).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not as long as the parameter.</exception>
    bool TryWriteEffectiveStep(string parameterName, Span<T> destination);
}

/// <summary>The per-element step η / (√v / c + ε) that the adaptive optimizers share, written as their kernels compute the denominator.</summary>
internal static class EffectiveSteps
{
    /// <summary>destination[i] = rate / (√v[i] / rootCorrection + eps); a root correction of 1 divides exactly.</summary>
    public static void Write<T>(ReadOnlySpan<T> v, Span<T> destination, double rate, double rootCorrection, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(v.Length, destination.Length);
        // Four vector passes rather than one scalar loop: the whole first layer is written at every logged step.
        TensorPrimitives.Sqrt(v, destination);
        TensorPrimitives.Divide(destination, T.CreateTruncating(rootCorrection), destination);
        TensorPrimitives.Add(destination, T.CreateTruncating(eps), destination);
        TensorPrimitives.Divide(T.CreateTruncating(rate), destination, destination);
    }

    /// <summary>The centered RMSprop's rate / (√(s − ḡ²) + ε).</summary>
    public static void WriteCentered<T>(ReadOnlySpan<T> s, ReadOnlySpan<T> mean, Span<T> destination, double rate, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(s.Length, destination.Length);
        T r = T.CreateTruncating(rate), e = T.CreateTruncating(eps);
        for (int i = 0; i < s.Length; i++)
        {
            destination[i] = r / (T.Sqrt(s[i] - (mean[i] * mean[i])) + e);
        }
    }

    private static void CheckLength(int length, int destination)
    {
        if (destination != length)
        {
            throw new ArgumentException($"The destination holds {destination} elements; the parameter has {length}.", nameof(destination));
        }
    }
}
