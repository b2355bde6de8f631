using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Fromage{T}"/>, with Optax's defaults (<c>optax.fromage</c>) in .NET names.</summary>
public sealed record FromageOptions : OptimizerOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Fromage<T>(parameters, this);

    /// <summary>Creates the options with Optax's default (min_norm 1e-6) and lr 1e-2 (the paper's).</summary>
    /// <remarks>Optax requires a learning rate; 1e-2 stands in for it.</remarks>
    public FromageOptions() => LearningRate = 1e-2;

    /// <summary>Floor of both norms in the ratio ‖θ‖/‖g‖ (Optax <c>min_norm</c>). Must be ≥ 0.</summary>
    public double MinNorm { get; init; } = 1e-6;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(MinNorm, nameof(MinNorm));
    }
}

/// <summary>
/// Fromage, "frobenius matched gradient descent" (Bernstein et al., 2020, "On the distance between two neural
/// networks and the stability of learning"), exactly as Optax's <c>optax.fromage</c> =
/// <c>chain(scale_by_trust_ratio(min_norm), scale_by_learning_rate(η·k), add_decayed_weights(k − 1))</c> with
/// k = 1/√(1 + η²). Per parameter tensor, with norms floored at min_norm:
/// <code>
/// θ ← θ + (−ηk·g·‖θ‖/‖g‖ + (k − 1)θ)
/// </code>
/// Each tensor moves by a fixed fraction η of its own norm, then shrinks by k so its norm stays put. Two passes
/// per tensor (Σθ², Σg², then the update); no state.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Fromage<T> : Optimizer<T, FromageOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Fromage over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; each tensor gets its own ratio.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Fromage(IEnumerable<Parameter<T>> parameters, FromageOptions? options = null)
        : base(parameters, options ?? new FromageOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, FromageOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double multiplier = 1 / Math.Pow(1 + Math.Pow(o.LearningRate, 2), 0.5);
        T minNorm = T.CreateTruncating(o.MinNorm);
        T negativeRate = T.CreateTruncating(-(o.LearningRate * multiplier));
        T decay = T.CreateTruncating(multiplier - 1);
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            var (parameterNorm, gradientNorm) = TensorNorms<T>.Of(parameter.Value.Span, parameter.Gradient.Span, T.Zero, KernelPath);

            // Optax's safe_norm: a norm at or below min_norm counts as min_norm; the ratio is 1 only when a norm is 0.
            parameterNorm = parameterNorm <= minNorm ? minNorm : parameterNorm;
            gradientNorm = gradientNorm <= minNorm ? minNorm : gradientNorm;
            T ratio = parameterNorm == T.Zero || gradientNorm == T.Zero ? T.One : parameterNorm / gradientNorm;
            Elementwise.Run(new FromageKernel<T>(ratio, negativeRate, decay), parameter.Value.Span, parameter.Gradient.Span, KernelPath);
        }
    }
}

internal readonly struct FromageKernel<T>(T ratio, T negativeRate, T decay) : IUpdate0<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g) => p + ((negativeRate * (g * ratio)) + (decay * p));

    public TV Simd<TV>(TV p, TV g)
        where TV : unmanaged, ISimdVector<TV, T> =>
        p + ((TV.Create(negativeRate) * (g * TV.Create(ratio))) + (TV.Create(decay) * p));
}
