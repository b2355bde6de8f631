using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Yogi{T}"/>, with Optax's defaults (<c>optax.yogi</c>) in .NET names.</summary>
public sealed record YogiOptions : MomentOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Yogi<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.999, eps 1e-3, accumulators from 1e-6) and lr 1e-2.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-2 (the paper's) stands in for it. β₂ is the rate of the additive
    /// second-moment update; ε (1e-3, far larger than Adam's) is added outside the root.
    /// </remarks>
    public YogiOptions()
    {
        LearningRate = 1e-2;
        Epsilon = 1e-3;
    }

    /// <summary>ε added to the corrected second moment under the root (Optax <c>eps_root</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; }

    /// <summary>Starting value of both moments (Optax <c>initial_accumulator_value</c> of <c>scale_by_yogi</c>). Must be &gt; 0.</summary>
    public double InitialAccumulatorValue { get; init; } = 1e-6;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
        Guard.Positive(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
    }
}

/// <summary>
/// Yogi (Zaheer et al., 2018, "Adaptive Methods for Nonconvex Optimization"), exactly as Optax's <c>optax.yogi</c> =
/// <c>chain(scale_by_yogi(b1, b2, eps), scale_by_learning_rate(lr))</c>:
/// <code>
/// m ← (1 − β₁)g + β₁m;   v ← v − (1 − β₂) · sign(v − g²) · g²
/// θ ← θ − η · (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ) + ε_root) + ε)
/// </code>
/// Adam's second moment moves towards g² by a fixed fraction of g² instead of a fraction of the gap, so v cannot
/// collapse after one large gradient. As in Optax, both m and v start at <see cref="YogiOptions.InitialAccumulatorValue"/>
/// (1e-6) and the bias correction is applied anyway. State: <c>mu</c>, <c>nu</c>; 24 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Yogi<T> : Optimizer<T, YogiOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Yogi over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Yogi(IEnumerable<Parameter<T>> parameters, YogiOptions? options = null)
        : base(parameters, options ?? new YogiOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, YogiOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new YogiKernel<T>(
            new OptaxMoments<T>(o.Beta1, o.Beta2, group.StepCount),
            T.CreateTruncating(o.EpsilonRoot),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(-o.LearningRate));
        T initial = T.CreateTruncating(o.InitialAccumulatorValue);
        T[] m = State(group, "mu", initial);
        T[] v = State(group, "nu", initial);
        RunKernel(group, kernel, m, v);
    }
}

internal readonly struct YogiKernel<T>(OptaxMoments<T> c, T epsRoot, T eps, T negativeRate) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v)
    {
        m = c.First(g, m);
        T square = g * g;
        v -= c.OneMinusBeta2 * OptaxMath.Sign(v - square) * square;
        T update = (m / c.Correction1) / (T.Sqrt((v / c.Correction2) + epsRoot) + eps);
        return p + (negativeRate * update);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m = c.First(g, m);
        TV square = g * g;
        v -= TV.Create(c.OneMinusBeta2) * OptaxMath.Sign<T, TV>(v - square) * square;
        TV update = (m / TV.Create(c.Correction1)) / (TV.Sqrt((v / TV.Create(c.Correction2)) + TV.Create(epsRoot)) + TV.Create(eps));
        return p + (TV.Create(negativeRate) * update);
    }
}
