using System.Numerics;
using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Prodigy{T}"/>, with Optax's defaults (<c>optax.contrib.prodigy</c>) in .NET names.</summary>
public sealed record ProdigyOptions : LearningRateFreeOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Prodigy<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (lr 1 — a multiplier of the estimated rate — betas (0.9, 0.999), eps 1e-8, d₀ 1e-6).</summary>
    /// <remarks>
    /// Here: β₁ of the underlying AdamW (Optax <c>betas[0]</c>); β₂ of the underlying AdamW (Optax <c>betas[1]</c>); ε
    /// of the underlying AdamW, scaled by d (Optax <c>eps</c>); AdamW-style decoupled weight decay λ, scaled by d·η
    /// (Optax <c>weight_decay</c>).
    /// </remarks>
    public ProdigyOptions() => LearningRate = 1.0;

    /// <summary>β₃, decay of the running sums that estimate d (Optax <c>beta3</c>); <see langword="null"/> means √β₂. In [0, 1).</summary>
    public double? Beta3 { get; init; }

    /// <summary>Multiplier of every new estimate of d (Optax <c>estim_lr_coef</c>). Must be &gt; 0.</summary>
    public double DistanceCoefficient { get; init; } = 1.0;

    /// <summary>Leave the learning rate out of the d-estimate's denominator during warm-up (Optax <c>safeguard_warmup</c>).</summary>
    public bool SafeguardWarmup { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Beta3 is double beta3)
        {
            Guard.UnitInterval(beta3, nameof(Beta3));
        }

        Guard.Positive(DistanceCoefficient, nameof(DistanceCoefficient));
    }
}

/// <summary>
/// Prodigy (Mishchenko &amp; Defazio, 2023, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner"), exactly as
/// Optax's <c>optax.contrib.prodigy</c>: AdamW whose rate d is estimated from the distance travelled. With
/// dₜ the current estimate, d_lr = dₜ·η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) and θ₀ the parameters at the first step:
/// <code>
/// m ← β₁m + (1 − β₁)dₜg;   v ← β₂v + (1 − β₂)(dₜg)²;   s ← β₃s + d_lr·dₜg/d₀
/// r ← β₃r + (dₜ/d₀)·d_lr·⟨g, θ₀ − θ⟩;   dₜ₊₁ = max(dₜ, coef·r/‖s‖₁)
/// θ ← θ − d_lr·m/(√v + dₜ₊₁ε) − λ·d_lr·θ
/// </code>
/// The sums run over the whole group (Optax's tree) in a fixed order. The update needs dₜ₊₁, so each step is two
/// passes: the first reads θ, g, θ₀, m, v, s, writes m, v, s and sums ⟨g, θ₀ − θ⟩ and ‖s‖₁; the second reads θ, m,
/// v and writes θ (13 element reads and writes: 52 bytes per float parameter). State: <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>grad_sum</c>, <c>params0</c>, and the scalars <c>estim_lr</c> (d) and <c>numerator_weighted</c> (r).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Prodigy<T> : LearningRateFreeOptimizer<T, ProdigyOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Prodigy over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; their values at the first step become θ₀.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Prodigy(IEnumerable<Parameter<T>> parameters, ProdigyOptions? options = null)
        : base(parameters, options ?? new ProdigyOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, ProdigyOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double beta3 = o.Beta3 ?? Math.Pow(o.Beta2, 0.5);
        double d = DistanceEstimate(group);
        double dlr = StepRate(group, d);
        T[] p0 = StateFromParameters(group, "params0");
        T[] m = State(group, "exp_avg");
        T[] v = State(group, "exp_avg_sq");
        T[] s = State(group, "grad_sum");

        var moments = new ProdigyMoments<T>(o.Beta1, o.Beta2, beta3, d, o.SafeguardWarmup ? d : dlr, o.InitialDistance);
        T numerator = T.Zero, denominator = T.Zero;
        foreach (var run in group.Runs)
        {
            var pass = new ProdigyMomentPass<T>(moments, run.Value.Span, run.Gradient.Span, run.Of(p0), run.Of(m), run.Of(v), run.Of(s));
            var (dot, l1) = Reduction.Run<T, ProdigyMomentPass<T>>(ref pass, KernelPath);
            numerator += dot;
            denominator += l1;
        }

        double weighted = (beta3 * Scalar(group, "numerator_weighted", 0)) + ((d / o.InitialDistance) * dlr * double.CreateTruncating(numerator));
        double estimate = o.DistanceCoefficient * weighted / double.CreateTruncating(denominator);
        double next = Math.Max(d, estimate);
        SetScalar(group, "numerator_weighted", weighted);
        SetScalar(group, "estim_lr", next);
        var apply = new ProdigyApply<T>(T.CreateTruncating(-dlr), T.CreateTruncating(next * o.Epsilon), T.CreateTruncating(o.WeightDecay * dlr));
        ApplyKernel(group, apply, m, v);
    }
}

/// <summary>Prodigy's per-step constants of the moment pass.</summary>
internal readonly struct ProdigyMoments<T>(double beta1, double beta2, double beta3, double d, double sumRate, double initialDistance)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly T Beta1 = T.CreateTruncating(beta1);
    public readonly T OneMinusBeta1 = T.CreateTruncating(1 - beta1);
    public readonly T Beta2 = T.CreateTruncating(beta2);
    public readonly T OneMinusBeta2 = T.CreateTruncating(1 - beta2);
    public readonly T Beta3 = T.CreateTruncating(beta3);
    public readonly T D = T.CreateTruncating(d);

    /// <summary>d_lr (d with the warm-up safeguard), the rate of s's new term (d_lr·dg)/d₀.</summary>
    public readonly T SumRate = T.CreateTruncating(sumRate);

    public readonly T InitialDistance = T.CreateTruncating(initialDistance);
}

/// <summary>Pass one: m, v, s from d·g, returning g·(θ₀ − θ) and |s| per element.</summary>
internal ref struct ProdigyMomentPass<T>(ProdigyMoments<T> c, ReadOnlySpan<T> p, ReadOnlySpan<T> g, ReadOnlySpan<T> p0, Span<T> m, Span<T> v, Span<T> s) : IReduction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _p = p;
    private readonly ReadOnlySpan<T> _g = g;
    private readonly ReadOnlySpan<T> _p0 = p0;
    private readonly Span<T> _m = m;
    private readonly Span<T> _v = v;
    private readonly Span<T> _s = s;

    public readonly int Length => _p.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly (T First, T Second) Scalar(int i)
    {
        T g = _g[i];
        T dg = c.D * g;
        _m[i] = (c.Beta1 * _m[i]) + (c.OneMinusBeta1 * dg);
        _v[i] = (c.Beta2 * _v[i]) + ((c.OneMinusBeta2 * dg) * dg);
        _s[i] = (c.Beta3 * _s[i]) + ((c.SumRate * dg) / c.InitialDistance);
        return (g * (_p0[i] - _p[i]), T.Abs(_s[i]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly (TV First, TV Second) Simd<TV>(int i)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV g = TV.Load(in _g[i]);
        TV dg = TV.Create(c.D) * g;
        TV m = (TV.Create(c.Beta1) * TV.Load(in _m[i])) + (TV.Create(c.OneMinusBeta1) * dg);
        TV v = (TV.Create(c.Beta2) * TV.Load(in _v[i])) + ((TV.Create(c.OneMinusBeta2) * dg) * dg);
        TV s = (TV.Create(c.Beta3) * TV.Load(in _s[i])) + ((TV.Create(c.SumRate) * dg) / TV.Create(c.InitialDistance));
        TV.Store(m, ref _m[i]);
        TV.Store(v, ref _v[i]);
        TV.Store(s, ref _s[i]);
        return (g * (TV.Load(in _p0[i]) - TV.Load(in _p[i])), TV.Abs(s));
    }
}

/// <summary>Pass two: θ ← θ + (−d_lr·m/(√v + d'ε) − λd_lr·θ).</summary>
internal readonly struct ProdigyApply<T>(T negativeRate, T eps, T decay) : IApply2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Scalar(T p, T m, T v) => p + (((negativeRate * m) / (T.Sqrt(v) + eps)) - (decay * p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Simd<TV>(TV p, TV m, TV v)
        where TV : unmanaged, ISimdVector<TV, T> =>
        p + (((TV.Create(negativeRate) * m) / (TV.Sqrt(v) + TV.Create(eps))) - (TV.Create(decay) * p));
}
