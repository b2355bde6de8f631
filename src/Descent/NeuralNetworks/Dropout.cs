using System.Numerics;
using Descent.Randomness;

namespace Descent.NeuralNetworks;

/// <summary>
/// Dropout (Srivastava et al. 2014): in training each value is kept when a uniform draw exceeds the
/// ratio p. Inverted (the default, as PyTorch): kept values are scaled by 1/(1 − p) and evaluation is
/// the identity. The book's form: kept values are not scaled and evaluation multiplies by (1 − p).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Dropout<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _size;
    private readonly IRandomSource _random;
    private T[] _mask = [];
    private bool _training;

    /// <summary>Creates the layer.</summary>
    /// <param name="size">Features per example.</param>
    /// <param name="ratio">Probability p of dropping a value, in [0, 1).</param>
    /// <param name="random">The source of the masks (seed it for reproducible runs).</param>
    /// <param name="inverted">Scale in training (PyTorch) rather than in evaluation (the book).</param>
    public Dropout(int size, double ratio, IRandomSource random, bool inverted = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Guard.UnitInterval(ratio, nameof(ratio));
        ArgumentNullException.ThrowIfNull(random);
        _size = size;
        _random = random;
        Ratio = ratio;
        Inverted = inverted;
    }

    /// <summary>Probability of dropping a value.</summary>
    public double Ratio { get; }

    /// <summary>Whether kept values are scaled in training (inverted dropout).</summary>
    public bool Inverted { get; }

    /// <inheritdoc/>
    public override int InputSize => _size;

    /// <inheritdoc/>
    public override int OutputSize => _size;

    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        _training = training;
        var output = OutputBuffer(input.Length);
        var y = output.Span;
        if (training)
        {
            var mask = Grow(ref _mask, input.Length).Span;
            T kept = Inverted ? T.CreateTruncating(1 / (1 - Ratio)) : T.One;
            for (int i = 0; i < mask.Length; i++)
            {
                // The book's `np.random.rand(*x.shape) > ratio`, one draw per value in row-major order.
                mask[i] = _random.NextDouble() > Ratio ? kept : T.Zero;
                y[i] = input[i] * mask[i];
            }
        }
        else
        {
            T scale = EvaluationScale;
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = input[i] * scale;
            }
        }

        return output;
    }

    // Training: ∂y/∂x = mask (1/(1 − p) or 1 where kept, 0 where dropped); evaluation: the constant scale.
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return ReadOnlyMemory<T>.Empty;
        }

        var dx = InputGradientBuffer(outputGradient.Length);
        var d = dx.Span;
        if (_training)
        {
            ReadOnlySpan<T> mask = _mask.AsSpan(0, d.Length);
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = outputGradient[i] * mask[i];
            }
        }
        else
        {
            T scale = EvaluationScale;
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = outputGradient[i] * scale;
            }
        }

        return dx;
    }

    private T EvaluationScale => Inverted ? T.One : T.CreateTruncating(1 - Ratio);
}
