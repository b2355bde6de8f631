using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers.Book;

/// <summary>Options of <see cref="BookRmsProp{T}"/> (the book's defaults lr 0.01, decay rate 0.99, ε 1e-7).</summary>
public sealed record BookRmsPropOptions : OptimizerOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new BookRmsProp<T>(parameters, this);

    /// <summary>Creates the options with the book's defaults.</summary>
    public BookRmsPropOptions() => LearningRate = 0.01;

    /// <summary>The book's <c>decay_rate</c> ρ of the mean square (PyTorch's <c>alpha</c>), in [0, 1].</summary>
    public double DecayRate { get; init; } = 0.99;

    /// <summary>ε added to √h (outside the root).</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(DecayRate, nameof(DecayRate), inclusiveUpper: true);
        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>
/// The book's RMSprop (its <c>common/optimizer.py</c>):
/// <code>
/// h ← ρh + (1 − ρ)g²,   θ ← θ − η g / (√h + 1e-7)
/// </code>
/// PyTorch's <see cref="RmsProp{T}"/> without its options is the same rule with ε = 1e-8. State: <c>h</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BookRmsProp<T>(IEnumerable<Parameter<T>> parameters, BookRmsPropOptions? options = null)
    : Optimizer<T, BookRmsPropOptions>(parameters, options ?? new BookRmsPropOptions()), IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>η / (√h + ε), the factor the book's update multiplies g by.</summary>
    /// <inheritdoc/>
    public bool TryWriteEffectiveStep(string parameterName, Span<T> destination) =>
        TryWriteEffectiveStep(parameterName, destination, "h", static group => (group.Options.LearningRate, 1, group.Options.Epsilon));

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, BookRmsPropOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new BookRmsPropKernel<T>(
            T.CreateTruncating(o.LearningRate), T.CreateTruncating(o.DecayRate), T.CreateTruncating(1 - o.DecayRate), T.CreateTruncating(o.Epsilon));
        T[] h = State(group, "h");
        RunKernel(group, kernel, h);
    }
}

/// <summary><c>h *= ρ; h += (1−ρ)g·g; θ −= ηg / (√h + ε)</c>, in the book's operation order.</summary>
internal readonly struct BookRmsPropKernel<T>(T lr, T decay, T oneMinusDecay, T eps) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T h)
    {
        h *= decay;
        h += oneMinusDecay * g * g;
        return p - (lr * g / (T.Sqrt(h) + eps));
    }

    public TV Simd<TV>(TV p, TV g, ref TV h)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        h *= TV.Create(decay);
        h += TV.Create(oneMinusDecay) * g * g;
        return p - (TV.Create(lr) * g / (TV.Sqrt(h) + TV.Create(eps)));
    }
}
