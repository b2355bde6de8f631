using System.Numerics;
using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="DAdaptAdamW{T}"/>, with Optax's defaults (<c>optax.contrib.dadapt_adamw</c>) in .NET names.</summary>
public sealed record DAdaptAdamWOptions : LearningRateFreeOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new DAdaptAdamW<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (lr 1 — a multiplier of the estimated rate — betas (0.9, 0.999), eps 1e-8, d₀ 1e-6).</summary>
    /// <remarks>
    /// Here: β₁ of the underlying AdamW (Optax <c>betas[0]</c>); β₂ of the underlying AdamW (Optax <c>betas[1]</c>);
    /// √β₂ also decays the d-estimate's sums; ε of the underlying AdamW (Optax <c>eps</c>); AdamW-style decoupled
    /// weight decay λ, scaled by d_lr (Optax <c>weight_decay</c>).
    /// </remarks>
    public DAdaptAdamWOptions() => LearningRate = 1.0;
}

/// <summary>
/// D-Adaptation AdamW (Defazio &amp; Mishchenko, 2023, "Learning-Rate-Free Learning by D-Adaptation"), exactly as
/// Optax's <c>optax.contrib.dadapt_adamw</c>. With dₜ the current estimate, d_lr = dₜ·η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) and
/// b = √β₂:
/// <code>
/// r ← b·r + (1 − b)·d_lr·⟨g, s/(√v + ε)⟩   (s, v before this step)
/// m ← β₁m + (1 − β₁)d_lr·g;   v ← β₂v + (1 − β₂)g²;   s ← b·s + (1 − b)d_lr·g
/// θ ← θ − λ·d_lr·θ − m/(√v + ε);   dₜ₊₁ = max(dₜ, r/((1 − b)‖s‖₁))
/// </code>
/// The step uses dₜ (already inside m), so the sums only feed the next step's estimate: one pass that reads θ, g, m,
/// v, s, writes θ, m, v, s and sums ⟨g, s/(√v + ε)⟩ and ‖s‖₁ in a fixed order (36 bytes per float parameter). The
/// sums run over the whole group (Optax's tree). State: <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>grad_sum</c>, and the
/// scalars <c>estim_lr</c> (d) and <c>numerator_weighted</c> (r).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class DAdaptAdamW<T> : LearningRateFreeOptimizer<T, DAdaptAdamWOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates D-Adaptation AdamW over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public DAdaptAdamW(IEnumerable<Parameter<T>> parameters, DAdaptAdamWOptions? options = null)
        : base(parameters, options ?? new DAdaptAdamWOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, DAdaptAdamWOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double root = Math.Pow(o.Beta2, 0.5);
        double d = DistanceEstimate(group);
        double dlr = StepRate(group, d);
        T[] m = State(group, "exp_avg");
        T[] v = State(group, "exp_avg_sq");
        T[] s = State(group, "grad_sum");
        var c = new DAdaptConstants<T>(o.Beta1, (1 - o.Beta1) * dlr, o.Beta2, 1 - o.Beta2, root, (1 - root) * dlr, o.Epsilon, -o.WeightDecay * dlr);
        T numerator = T.Zero, l1 = T.Zero;
        foreach (var run in group.Runs)
        {
            var pass = new DAdaptPass<T>(c, run.Value.Span, run.Gradient.Span, run.Of(m), run.Of(v), run.Of(s));
            var (dot, sum) = Reduction.Run<T, DAdaptPass<T>>(ref pass, KernelPath);
            numerator += dot;
            l1 += sum;
        }

        double weighted = (root * Scalar(group, "numerator_weighted", 0)) + ((1 - root) * dlr * double.CreateTruncating(numerator));
        SetScalar(group, "numerator_weighted", weighted);
        SetScalar(group, "estim_lr", Math.Max(d, weighted / ((1 - root) * double.CreateTruncating(l1))));
    }
}

internal readonly struct DAdaptConstants<T>(double beta1, double momentumRate, double beta2, double oneMinusBeta2, double root, double sumRate, double eps, double decay)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly T Beta1 = T.CreateTruncating(beta1);

    /// <summary>(1 − β₁)·d_lr, Optax's left-to-right product before it meets g.</summary>
    public readonly T MomentumRate = T.CreateTruncating(momentumRate);
    public readonly T Beta2 = T.CreateTruncating(beta2);
    public readonly T OneMinusBeta2 = T.CreateTruncating(oneMinusBeta2);
    public readonly T Root = T.CreateTruncating(root);

    /// <summary>(1 − √β₂)·d_lr.</summary>
    public readonly T SumRate = T.CreateTruncating(sumRate);
    public readonly T Eps = T.CreateTruncating(eps);

    /// <summary>−λ·d_lr.</summary>
    public readonly T Decay = T.CreateTruncating(decay);
}

internal ref struct DAdaptPass<T>(DAdaptConstants<T> c, Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> s) : IReduction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Span<T> _p = p;
    private readonly ReadOnlySpan<T> _g = g;
    private readonly Span<T> _m = m;
    private readonly Span<T> _v = v;
    private readonly Span<T> _s = s;

    public readonly int Length => _p.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly (T First, T Second) Scalar(int i)
    {
        T g = _g[i], p = _p[i];
        T dot = g * (_s[i] / (T.Sqrt(_v[i]) + c.Eps));
        T m = (c.Beta1 * _m[i]) + (c.MomentumRate * g);
        T v = (c.Beta2 * _v[i]) + ((c.OneMinusBeta2 * g) * g);
        T s = (c.Root * _s[i]) + (c.SumRate * g);
        _m[i] = m;
        _v[i] = v;
        _s[i] = s;
        _p[i] = p + ((c.Decay * p) - (m / (T.Sqrt(v) + c.Eps)));
        return (dot, T.Abs(s));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly (TV First, TV Second) Simd<TV>(int i)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV g = TV.Load(in _g[i]), p = TV.Load(in _p[i]), v0 = TV.Load(in _v[i]), s0 = TV.Load(in _s[i]);
        TV eps = TV.Create(c.Eps);
        TV dot = g * (s0 / (TV.Sqrt(v0) + eps));
        TV m = (TV.Create(c.Beta1) * TV.Load(in _m[i])) + (TV.Create(c.MomentumRate) * g);
        TV v = (TV.Create(c.Beta2) * v0) + ((TV.Create(c.OneMinusBeta2) * g) * g);
        TV s = (TV.Create(c.Root) * s0) + (TV.Create(c.SumRate) * g);
        TV.Store(m, ref _m[i]);
        TV.Store(v, ref _v[i]);
        TV.Store(s, ref _s[i]);
        TV.Store(p + ((TV.Create(c.Decay) * p) - (m / (TV.Sqrt(v) + eps))), ref _p[i]);
        return (dot, TV.Abs(s));
    }
}
