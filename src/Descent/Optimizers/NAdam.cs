using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="NAdam{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record NAdamOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new NAdam<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 2e-3, momentum decay 4e-3).</summary>
    public NAdamOptions() => LearningRate = 2e-3;

    /// <summary>ψ of the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)) (PyTorch <c>momentum_decay</c>).</summary>
    public double MomentumDecay { get; init; } = 4e-3;

    /// <summary>Decay the weights directly (NAdamW) instead of through the gradient.</summary>
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(MomentumDecay, nameof(MomentumDecay));
    }
}

/// <summary>
/// NAdam (Dozat, 2016): Adam with Nesterov momentum, exactly as PyTorch's <c>torch.optim.NAdam</c>:
/// <code>
/// μₜ = β₁(1 − ½·0.96^(tψ)),  Πₜ = μ₁⋯μₜ,   m, v as Adam,  d = √(v/(1 − β₂ᵗ)) + ε
/// θ ← θ − η(1 − μₜ)/(1 − Πₜ) · g/d − η μₜ₊₁/(1 − Πₜμₜ₊₁) · m/d
/// </code>
/// State: <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>mu_product</c> (Πₜ, a scalar).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class NAdam<T> : Optimizer<T, NAdamOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates NAdam over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public NAdam(IEnumerable<Parameter<T>> parameters, NAdamOptions? options = null)
        : base(parameters, options ?? new NAdamOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, NAdamOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        double mu = o.Beta1 * (1.0 - (0.5 * Math.Pow(0.96, t * o.MomentumDecay)));
        double muNext = o.Beta1 * (1.0 - (0.5 * Math.Pow(0.96, (t + 1) * o.MomentumDecay)));
        double product = Scalar(group, "mu_product", 1.0) * mu;
        SetScalar(group, "mu_product", product);
        var kernel = new NAdamKernel<T>(
            new AdamMoments<T>(o, o.Maximize, o.DecoupledWeightDecay),
            T.CreateTruncating(1 - Math.Pow(o.Beta2, t)),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(-o.LearningRate * (1.0 - mu) / (1.0 - product)),
            T.CreateTruncating(-o.LearningRate * muNext / (1.0 - (product * muNext))));
        T[] m = State(group, "exp_avg");
        T[] v = State(group, "exp_avg_sq");
        RunKernel(group, kernel, m, v);
    }
}

internal readonly struct NAdamKernel<T>(AdamMoments<T> moments, T correction2, T eps, T gradientRate, T momentumRate) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v)
    {
        p = moments.Update(p, ref g, ref m, ref v);
        T d = T.Sqrt(v / correction2) + eps;
        p += gradientRate * g / d;
        return p + (momentumRate * m / d);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        p = moments.Update(p, ref g, ref m, ref v);
        TV d = TV.Sqrt(v / TV.Create(correction2)) + TV.Create(eps);
        p += TV.Create(gradientRate) * g / d;
        return p + (TV.Create(momentumRate) * m / d);
    }
}
