using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers.Book;

/// <summary>Options of <see cref="BookAdaGrad{T}"/> (the book's defaults lr 0.01, ε 1e-7).</summary>
public sealed record BookAdaGradOptions : OptimizerOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new BookAdaGrad<T>(parameters, this);

    /// <summary>Creates the options with the book's defaults.</summary>
    public BookAdaGradOptions() => LearningRate = 0.01;

    /// <summary>ε added to √h (outside the root), the book's 1e-7 against division by zero.</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>
/// The book's AdaGrad (§6.1.5):
/// <code>
/// h ← h + g²,   θ ← θ − η g / (√h + 1e-7)
/// </code>
/// PyTorch's <see cref="AdaGrad{T}"/> is the same rule with ε = 1e-10, plus learning-rate decay and an initial
/// accumulator. State: <c>h</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BookAdaGrad<T>(IEnumerable<Parameter<T>> parameters, BookAdaGradOptions? options = null)
    : Optimizer<T, BookAdaGradOptions>(parameters, options ?? new BookAdaGradOptions()), IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>η / (√h + ε), the factor the book's update multiplies g by.</summary>
    /// <inheritdoc/>
    public bool TryWriteEffectiveStep(string parameterName, Span<T> destination) =>
        TryWriteEffectiveStep(parameterName, destination, "h", static group => (group.Options.LearningRate, 1, group.Options.Epsilon));

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, BookAdaGradOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new BookAdaGradKernel<T>(T.CreateTruncating(o.LearningRate), T.CreateTruncating(o.Epsilon));
        T[] h = State(group, "h");
        RunKernel(group, kernel, h);
    }
}

/// <summary><c>h += g·g; θ −= ηg / (√h + ε)</c>, in the book's operation order.</summary>
internal readonly struct BookAdaGradKernel<T>(T lr, T eps) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T h)
    {
        h += g * g;
        return p - (lr * g / (T.Sqrt(h) + eps));
    }

    public TV Simd<TV>(TV p, TV g, ref TV h)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        h += g * g;
        return p - (TV.Create(lr) * g / (TV.Sqrt(h) + TV.Create(eps)));
    }
}
