using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="RAdam{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record RAdamOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new RAdam<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-3).</summary>
    public RAdamOptions() => LearningRate = 1e-3;

    /// <summary>Decay the weights directly (RAdamW) instead of through the gradient.</summary>
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }
}

/// <summary>
/// RAdam (Liu et al., 2020), exactly as PyTorch's <c>torch.optim.RAdam</c>: Adam whose adaptive term is
/// switched on only once the variance of its estimate is tractable (ρₜ &gt; 5), and then rectified:
/// <code>
/// ρ∞ = 2/(1 − β₂) − 1,  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ),  m̂ = m/(1 − β₁ᵗ)
/// ρₜ &gt; 5: θ ← θ − η m̂ · √(1 − β₂ᵗ)/(√v + ε) · rₜ,  rₜ = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ))
/// else:   θ ← θ − η m̂
/// </code>
/// State: <c>exp_avg</c>, <c>exp_avg_sq</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class RAdam<T> : Optimizer<T, RAdamOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates RAdam over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public RAdam(IEnumerable<Parameter<T>> parameters, RAdamOptions? options = null)
        : base(parameters, options ?? new RAdamOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, RAdamOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        double correction1 = 1 - Math.Pow(o.Beta1, t);
        double correction2 = 1 - Math.Pow(o.Beta2, t);
        double rhoInf = (2 / (1 - o.Beta2)) - 1;
        double rho = rhoInf - (2 * t * Math.Pow(o.Beta2, t) / correction2);
        bool rectified = rho > 5.0;
        double rectification = rectified
            ? Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho))
            : 0;
        var kernel = new RAdamKernel<T>(
            new AdamMoments<T>(o, o.Maximize, o.DecoupledWeightDecay),
            T.CreateTruncating(correction1),
            T.CreateTruncating(Math.Sqrt(correction2)),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.LearningRate),
            T.CreateTruncating(rectification),
            rectified);
        T[] m = State(group, "exp_avg");
        T[] v = State(group, "exp_avg_sq");
        RunKernel(group, kernel, m, v);
    }
}

internal readonly struct RAdamKernel<T>(AdamMoments<T> moments, T correction1, T correction2Sqrt, T eps, T lr, T rectification, bool rectified) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v)
    {
        p = moments.Update(p, ref g, ref m, ref v);
        T step = m / correction1 * lr;
        return rectified ? p - (step * (correction2Sqrt / (T.Sqrt(v) + eps)) * rectification) : p - step;
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        p = moments.Update(p, ref g, ref m, ref v);
        TV step = m / TV.Create(correction1) * TV.Create(lr);
        return rectified ? p - (step * (TV.Create(correction2Sqrt) / (TV.Sqrt(v) + TV.Create(eps))) * TV.Create(rectification)) : p - step;
    }
}
