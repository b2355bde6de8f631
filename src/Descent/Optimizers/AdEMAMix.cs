using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="AdEMAMix{T}"/>, with Optax's defaults (<c>optax.contrib.ademamix</c>) in .NET names.</summary>
public sealed record AdEMAMixOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new AdEMAMix<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.999, b3 0.9999, alpha 5, eps 1e-8) and lr 1e-3.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-3 stands in for it. Optax's b3 and alpha schedules are constants here. Here:
    /// β₁, decay of the fast (bias-corrected) moving average (Optax <c>b1</c>); β₂, decay of the second moment (Optax
    /// <c>b2</c>); ε added to the root, outside it (Optax <c>eps</c>); decoupled weight decay λ, added to the direction
    /// before the learning rate (Optax <c>weight_decay</c>).
    /// </remarks>
    public AdEMAMixOptions() => LearningRate = 1e-3;

    /// <summary>β₃, decay of the slow moving average, never bias-corrected (Optax <c>b3</c>), in [0, 1).</summary>
    public double Beta3 { get; init; } = 0.9999;

    /// <summary>α, the weight of the slow average in the step (Optax <c>alpha</c>). Must be ≥ 0.</summary>
    public double Alpha { get; init; } = 5.0;

    /// <summary>ε added to the corrected second moment under the root (Optax <c>eps_root</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Beta3, nameof(Beta3));
        Guard.NonNegative(Alpha, nameof(Alpha));
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
    }
}

/// <summary>
/// AdEMAMix (Pagliardini et al., 2024, "The AdEMAMix Optimizer: Better, Faster, Older"), exactly as Optax's
/// <c>optax.contrib.ademamix</c> = <c>chain(scale_by_ademamix(b1, b2, b3, alpha, eps, eps_root),
/// add_decayed_weights(weight_decay), scale_by_learning_rate(lr))</c>: Adam's fast average plus α times a slow one.
/// <code>
/// m₁ ← (1 − β₁)g + β₁m₁;   m₂ ← (1 − β₃)g + β₃m₂;   v ← (1 − β₂)g² + β₂v
/// θ ← θ − η·((m₁/(1 − β₁ᵗ) + α·m₂) / (√(v/(1 − β₂ᵗ) + ε_root) + ε) + λθ)
/// </code>
/// The slow average is not bias-corrected, so it fills slowly (the paper pairs it with α and β₃ warm-ups, which
/// are constants here). State: <c>m1</c>, <c>m2</c>, <c>nu</c>; three state tensors, 32 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class AdEMAMix<T> : Optimizer<T, AdEMAMixOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates AdEMAMix over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public AdEMAMix(IEnumerable<Parameter<T>> parameters, AdEMAMixOptions? options = null)
        : base(parameters, options ?? new AdEMAMixOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdEMAMixOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new AdEMAMixKernel<T>(
            new OptaxMoments<T>(o.Beta1, o.Beta2, group.StepCount),
            T.CreateTruncating(1 - o.Beta3),
            T.CreateTruncating(o.Beta3),
            T.CreateTruncating(o.Alpha),
            T.CreateTruncating(o.EpsilonRoot),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.WeightDecay),
            T.CreateTruncating(-o.LearningRate));
        T[] m1 = State(group, "m1");
        T[] m2 = State(group, "m2");
        T[] v = State(group, "nu");
        RunKernel(group, kernel, m1, m2, v);
    }
}

internal readonly struct AdEMAMixKernel<T>(OptaxMoments<T> c, T oneMinusBeta3, T beta3, T alpha, T epsRoot, T eps, T weightDecay, T negativeRate) : IUpdate3<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m1, ref T m2, ref T v)
    {
        m1 = c.First(g, m1);
        m2 = (oneMinusBeta3 * g) + (beta3 * m2);
        v = c.Second(g * g, v);
        T direction = ((m1 / c.Correction1) + (alpha * m2)) / (T.Sqrt((v / c.Correction2) + epsRoot) + eps);
        return p + (negativeRate * (direction + (weightDecay * p)));
    }

    public TV Simd<TV>(TV p, TV g, ref TV m1, ref TV m2, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m1 = c.First(g, m1);
        m2 = (TV.Create(oneMinusBeta3) * g) + (TV.Create(beta3) * m2);
        v = c.Second(g * g, v);
        TV direction = ((m1 / TV.Create(c.Correction1)) + (TV.Create(alpha) * m2)) / (TV.Sqrt((v / TV.Create(c.Correction2)) + TV.Create(epsRoot)) + TV.Create(eps));
        return p + (TV.Create(negativeRate) * (direction + (TV.Create(weightDecay) * p)));
    }
}
