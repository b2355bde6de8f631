using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers.Book;

/// <summary>Options of <see cref="BookMomentum{T}"/> and <see cref="BookNesterov{T}"/> (the book's defaults lr 0.01, momentum 0.9).</summary>
public sealed record BookMomentumOptions : MomentumOptions, IOptimizerFactory
{
    /// <summary>Creates the options with the book's defaults.</summary>
    /// <remarks>Here: <see cref="MomentumOptions.Momentum"/> is the momentum factor μ, the fraction of the velocity kept each step; in [0, 1).</remarks>
    public BookMomentumOptions()
    {
        LearningRate = 0.01;
        Momentum = 0.9;
    }

    /// <summary>Build the book's <c>Nesterov</c> class (<see cref="BookNesterov{T}"/>) rather than its <c>Momentum</c>, as PyTorch's SGD takes <c>nesterov</c>.</summary>
    public bool Nesterov { get; init; }

    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Nesterov ? new BookNesterov<T>(parameters, this) : new BookMomentum<T>(parameters, this);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Momentum, nameof(Momentum));
    }
}

/// <summary>
/// The book's Momentum (§6.1.4), the classical velocity form:
/// <code>
/// v ← μv − η g,   θ ← θ + v
/// </code>
/// PyTorch's <see cref="Sgd{T}"/> with momentum keeps b ← μb + g and steps θ − ηb instead: the same
/// trajectory for a constant η, a different one once η changes (a schedule rescales PyTorch's whole
/// velocity, the book's only new contributions). State: <c>v</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BookMomentum<T>(IEnumerable<Parameter<T>> parameters, BookMomentumOptions? options = null)
    : Optimizer<T, BookMomentumOptions>(parameters, options ?? new BookMomentumOptions())
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, BookMomentumOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new BookMomentumKernel<T>(T.CreateTruncating(o.LearningRate), T.CreateTruncating(o.Momentum));
        T[] velocity = State(group, "v");
        RunKernel(group, kernel, velocity);
    }
}

/// <summary><c>v = μv − ηg; θ += v</c>, in the book's operation order.</summary>
internal readonly struct BookMomentumKernel<T>(T lr, T momentum) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T v)
    {
        v = (momentum * v) - (lr * g);
        return p + v;
    }

    public TV Simd<TV>(TV p, TV g, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        v = (TV.Create(momentum) * v) - (TV.Create(lr) * g);
        return p + v;
    }
}
