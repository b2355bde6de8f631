using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Adopt{T}"/>, with Optax's defaults (<c>optax.contrib.adopt</c>) in .NET names.</summary>
public sealed record AdoptOptions : MomentOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Adopt<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.9999, eps 1e-6, clipping on) and lr 1e-3.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-3 (the paper's) stands in for it. Here: β₁, decay of the moving average of
    /// the normalised gradients (Optax <c>b1</c>); β₂, decay of the second moment (Optax <c>b2</c>); ε, the floor of √v
    /// in the normalisation g / max(√v, ε) (Optax <c>eps</c>).
    /// </remarks>
    public AdoptOptions()
    {
        LearningRate = 1e-3;
        Beta2 = 0.9999;
        Epsilon = 1e-6;
    }

    /// <summary>Nesterov momentum: step along (1 − β₁)ĝ + β₁m with the updated m (Optax <c>nesterov</c>).</summary>
    public bool Nesterov { get; init; }

    /// <summary>
    /// Clip the normalised gradient to ±t^¼ at step t (counted from 0), Optax's default <c>clip_value_fn</c>
    /// (Optax <c>use_clipping</c>). The first step's bound is 0, so ADOPT's first step only fills v.
    /// </summary>
    public bool UseClipping { get; init; } = true;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
    }
}

/// <summary>
/// ADOPT (Taniguchi et al., 2024, "ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal Rate"), exactly as
/// Optax's <c>optax.contrib.adopt</c> = <c>chain(scale_by_adopt(b1, b2, eps), scale_by_learning_rate(lr))</c>. At step
/// t (from 0) the gradient is normalised by the second moment of the <em>previous</em> steps, then averaged:
/// <code>
/// ĝ = clip(g / max(√v, ε), −t^¼, t^¼);   v ← (1 − β₂)g² + β₂v;   m ← (1 − β₁)ĝ + β₁m;   θ ← θ − η·m
/// </code>
/// At t = 0 Optax uses β₂ = 0 (v ← g²) and β₁ = 1 (m stays 0), so the first step moves nothing. No bias correction.
/// State: <c>mu</c>, <c>nu</c> (Optax's names); 24 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Adopt<T> : Optimizer<T, AdoptOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates ADOPT over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Adopt(IEnumerable<Parameter<T>> parameters, AdoptOptions? options = null)
        : base(parameters, options ?? new AdoptOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdoptOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        long count = group.StepCount - 1;
        double beta1 = count > 0 ? o.Beta1 : 1;
        double beta2 = count > 0 ? o.Beta2 : 0;
        double clip = o.UseClipping ? Math.Pow(count, 0.25) : double.PositiveInfinity;
        var kernel = new AdoptKernel<T>(
            T.CreateTruncating(1 - beta1),
            T.CreateTruncating(beta1),
            T.CreateTruncating(1 - beta2),
            T.CreateTruncating(beta2),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(clip),
            o.Nesterov,
            T.CreateTruncating(-o.LearningRate));
        T[] m = State(group, "mu");
        T[] v = State(group, "nu");
        RunKernel(group, kernel, m, v);
    }
}

/// <summary>One ADOPT step; with Nesterov the step is Optax's second update_moment of ĝ into the new m.</summary>
internal readonly struct AdoptKernel<T>(T oneMinusBeta1, T beta1, T oneMinusBeta2, T beta2, T eps, T clip, bool nesterov, T negativeRate) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v)
    {
        T normalised = T.Min(T.Max(g / T.Max(T.Sqrt(v), eps), -clip), clip);
        v = (oneMinusBeta2 * (g * g)) + (beta2 * v);
        m = (oneMinusBeta1 * normalised) + (beta1 * m);
        T step = nesterov ? (oneMinusBeta1 * normalised) + (beta1 * m) : m;
        return p + (negativeRate * step);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV normalised = TV.Min(TV.Max(g / TV.Max(TV.Sqrt(v), TV.Create(eps)), TV.Create(-clip)), TV.Create(clip));
        v = (TV.Create(oneMinusBeta2) * (g * g)) + (TV.Create(beta2) * v);
        m = (TV.Create(oneMinusBeta1) * normalised) + (TV.Create(beta1) * m);
        TV step = nesterov ? (TV.Create(oneMinusBeta1) * normalised) + (TV.Create(beta1) * m) : m;
        return p + (TV.Create(negativeRate) * step);
    }
}
