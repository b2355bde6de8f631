using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Adadelta{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record AdadeltaOptions : OptimizerOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Adadelta<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1, rho 0.9, eps 1e-6).</summary>
    public AdadeltaOptions() => LearningRate = 1.0;

    /// <summary>Decay ρ of both running averages, in [0, 1].</summary>
    public double Rho { get; init; } = 0.9;

    /// <summary>ε inside both roots.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Rho, nameof(Rho), inclusiveUpper: true);
        Guard.NonNegative(Epsilon, nameof(Epsilon));
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
    }
}

/// <summary>
/// Adadelta (Zeiler, 2012), exactly as PyTorch's <c>torch.optim.Adadelta</c>:
/// <code>
/// s ← ρs + (1 − ρ)g²,   Δ = √(a + ε)/√(s + ε) · g,   a ← ρa + (1 − ρ)Δ²,   θ ← θ − ηΔ
/// </code>
/// State: <c>square_avg</c>, <c>acc_delta</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Adadelta<T> : Optimizer<T, AdadeltaOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Adadelta over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Adadelta(IEnumerable<Parameter<T>> parameters, AdadeltaOptions? options = null)
        : base(parameters, options ?? new AdadeltaOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdadeltaOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new AdadeltaKernel<T>(
            new GradientTransform<T>(o.Maximize, o.WeightDecay),
            T.CreateTruncating(o.LearningRate),
            T.CreateTruncating(o.Rho),
            T.CreateTruncating(1 - o.Rho),
            T.CreateTruncating(o.Epsilon));
        T[] square = State(group, "square_avg");
        T[] delta = State(group, "acc_delta");
        RunKernel(group, kernel, square, delta);
    }
}

internal readonly struct AdadeltaKernel<T>(GradientTransform<T> grad, T lr, T rho, T oneMinusRho, T eps) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T s, ref T a)
    {
        g = grad.Apply(p, g);
        s = (s * rho) + (oneMinusRho * g * g);
        T delta = T.Sqrt(a + eps) / T.Sqrt(s + eps) * g;
        a = (a * rho) + (oneMinusRho * delta * delta);
        return p - (lr * delta);
    }

    public TV Simd<TV>(TV p, TV g, ref TV s, ref TV a)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = grad.Apply(p, g);
        s = (s * TV.Create(rho)) + (TV.Create(oneMinusRho) * g * g);
        TV delta = TV.Sqrt(a + TV.Create(eps)) / TV.Sqrt(s + TV.Create(eps)) * g;
        a = (a * TV.Create(rho)) + (TV.Create(oneMinusRho) * delta * delta);
        return p - (TV.Create(lr) * delta);
    }
}
