using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Adan{T}"/>, with Optax's defaults (<c>optax.adan</c>) in .NET names.</summary>
public sealed record AdanOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Adan<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.98, b2 0.92, b3 0.99, eps 1e-8, eps_root 1e-8) and lr 1e-3.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-3 stands in for it. Here: β₁, decay of the gradient's moving average (Optax
    /// <c>b1</c>); β₂, decay of the moving average of gradient differences (Optax <c>b2</c>); ε added to the root,
    /// outside it (Optax <c>eps</c>); decoupled weight decay λ, added to the direction before the learning rate (Optax
    /// <c>weight_decay</c>).
    /// </remarks>
    public AdanOptions()
    {
        LearningRate = 1e-3;
        Beta1 = 0.98;
        Beta2 = 0.92;
    }

    /// <summary>β₃, decay of the second moment of g + (1 − β₂)(g − g_prev) (Optax <c>b3</c>), in [0, 1).</summary>
    public double Beta3 { get; init; } = 0.99;

    /// <summary>ε added to the corrected second moment under the root (Optax <c>eps_root</c>; 1e-8 in <c>optax.adan</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; } = 1e-8;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Beta3, nameof(Beta3));
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
    }
}

/// <summary>
/// Adan, adaptive Nesterov momentum (Xie et al., 2022, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
/// Optimizing Deep Models"), exactly as Optax's <c>optax.adan</c> = <c>chain(scale_by_adan(b1, b2, b3, eps, eps_root),
/// add_decayed_weights(weight_decay), scale_by_learning_rate(lr))</c>. With d = g − g_prev (0 at the first step):
/// <code>
/// m ← (1 − β₁)g + β₁m;   v ← (1 − β₂)d + β₂v;   n ← (1 − β₃)(g + (1 − β₂)d)² + β₃n
/// θ ← θ − η·((m/(1 − β₁ᵗ) + (1 − β₂)·v/(1 − β₂ᵗ)) / (√(n/(1 − β₃ᵗ) + ε_root) + ε) + λθ)
/// </code>
/// Optax folds the paper's proximal decay into the direction (as above), not θ/(1 + ηλ). State: <c>m</c>, <c>v</c>,
/// <c>n</c> and the previous gradient <c>g</c> (Optax's names): four state tensors, 44 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Adan<T> : Optimizer<T, AdanOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Adan over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Adan(IEnumerable<Parameter<T>> parameters, AdanOptions? options = null)
        : base(parameters, options ?? new AdanOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdanOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        var kernel = new AdanKernel<T>(
            new OptaxMoments<T>(o.Beta1, o.Beta2, t),
            T.CreateTruncating(1 - o.Beta3),
            T.CreateTruncating(o.Beta3),
            T.CreateTruncating(1 - Math.Pow(o.Beta3, t)),
            group.StepCount == 1 ? T.Zero : T.One,
            T.CreateTruncating(o.EpsilonRoot),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.WeightDecay),
            T.CreateTruncating(-o.LearningRate));
        T[] m = State(group, "m");
        T[] v = State(group, "v");
        T[] n = State(group, "n");
        T[] previous = State(group, "g");
        RunKernel(group, kernel, m, v, n, previous);
    }
}

/// <summary>
/// One Adan step. <paramref name="hasPrevious"/> is 0 at the first step and 1 after: d = h·(g − g_prev) is Optax's
/// <c>where(t == 0, 0, g − g_prev)</c> without a branch (the stored g_prev is 0 then, so the product is an exact 0).
/// </summary>
internal readonly struct AdanKernel<T>(OptaxMoments<T> c, T oneMinusBeta3, T beta3, T correction3, T hasPrevious, T epsRoot, T eps, T weightDecay, T negativeRate) : IUpdate4<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v, ref T n, ref T previous)
    {
        T difference = hasPrevious * (g - previous);
        m = c.First(g, m);
        v = c.Second(difference, v);
        T square = g + (c.OneMinusBeta2 * difference);
        n = (oneMinusBeta3 * (square * square)) + (beta3 * n);
        previous = g;
        T direction = ((m / c.Correction1) + (c.OneMinusBeta2 * (v / c.Correction2))) / (T.Sqrt((n / correction3) + epsRoot) + eps);
        return p + (negativeRate * (direction + (weightDecay * p)));
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v, ref TV n, ref TV previous)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV difference = TV.Create(hasPrevious) * (g - previous);
        m = c.First(g, m);
        v = c.Second(difference, v);
        TV square = g + (TV.Create(c.OneMinusBeta2) * difference);
        n = (TV.Create(oneMinusBeta3) * (square * square)) + (TV.Create(beta3) * n);
        previous = g;
        TV direction = ((m / TV.Create(c.Correction1)) + (TV.Create(c.OneMinusBeta2) * (v / TV.Create(c.Correction2))))
            / (TV.Sqrt((n / TV.Create(correction3)) + TV.Create(epsRoot)) + TV.Create(eps));
        return p + (TV.Create(negativeRate) * (direction + (TV.Create(weightDecay) * p)));
    }
}
