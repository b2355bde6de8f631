using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Adam{T}"/>, with PyTorch's names and defaults.</summary>
public record AdamOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public virtual IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Adam<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8).</summary>
    public AdamOptions() => LearningRate = 1e-3;

    /// <summary>Use the running maximum of the second moment (Reddi et al., 2018; PyTorch <c>amsgrad</c>).</summary>
    public bool AmsGrad { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <summary>Decay the weights directly instead of through the gradient (AdamW; Loshchilov and Hutter, 2019).</summary>
    public bool DecoupledWeightDecay { get; init; }
}

/// <summary>Options of <see cref="AdamW{T}"/>: Adam's, with decoupled weight decay 0.01 as PyTorch's defaults.</summary>
public sealed record AdamWOptions : AdamOptions
{
    /// <inheritdoc/>
    public override IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters) => new AdamW<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's AdamW defaults (weight decay 0.01, decoupled).</summary>
    public AdamWOptions()
    {
        WeightDecay = 1e-2;
        DecoupledWeightDecay = true;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!DecoupledWeightDecay)
        {
            throw new ArgumentException($"AdamW always decouples weight decay; {nameof(DecoupledWeightDecay)} must be true (use Adam for the coupled form).", nameof(DecoupledWeightDecay));
        }
    }
}

/// <summary>
/// Adam (Kingma and Ba, 2015) exactly as PyTorch's <c>torch.optim.Adam</c>, with AMSGrad, maximize and
/// decoupled weight decay:
/// <code>
/// m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²   (v̂ ← max(v̂, v) with AMSGrad)
/// θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// ε is added to the bias-corrected root; the book and Keras add it to √v with the correction folded into
/// the rate (<see cref="Book.BookAdam{T}"/>), which differs while v is small. State: <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> (AMSGrad).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public class Adam<T> : Optimizer<T, AdamOptions>, IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Adam over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Adam(IEnumerable<Parameter<T>> parameters, AdamOptions? options = null)
        : base(parameters, options ?? new AdamOptions())
    {
    }

    /// <summary>η / (√v / √(1 − β₂ᵗ) + ε), the factor the update multiplies m̂ = m / (1 − β₁ᵗ) by (v̂ max with AMSGrad).</summary>
    /// <inheritdoc/>
    public bool TryWriteEffectiveStep(string parameterName, Span<T> destination) =>
        TryWriteEffectiveStep(
            parameterName,
            destination,
            null,
            static group => (group.Options.LearningRate, Math.Sqrt(1 - Math.Pow(group.Options.Beta2, group.StepCount)), group.Options.Epsilon),
            static o => o.AmsGrad ? "max_exp_avg_sq" : "exp_avg_sq");

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdamOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        double stepSize = o.LearningRate / (1 - Math.Pow(o.Beta1, t));
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(o.Beta2, t));
        var kernel = new AdamKernel<T>(
            new AdamMoments<T>(o, o.Maximize, o.DecoupledWeightDecay),
            T.CreateTruncating(correction2Sqrt),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(stepSize));
        T[] m = State(group, "exp_avg");
        T[] v = State(group, "exp_avg_sq");
        T[]? vMax = o.AmsGrad ? State(group, "max_exp_avg_sq") : null;
        if (vMax is null)
        {
            RunKernel(group, kernel, m, v);
        }
        else
        {
            RunKernel(group, new AmsGradKernel<T>(kernel), m, v, vMax);
        }
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup<T, AdamOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (Defaults is AdamWOptions && group.Options is not AdamWOptions)
        {
            throw new ArgumentException($"AdamW groups take {nameof(AdamWOptions)}; got {group.Options.GetType().Name}.", nameof(group));
        }
    }
}

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) as PyTorch's <c>torch.optim.AdamW</c>: Adam with decoupled weight
/// decay θ ← θ(1 − ηλ) before the update, default λ = 0.01.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class AdamW<T> : Adam<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates AdamW over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's AdamW defaults.</param>
    public AdamW(IEnumerable<Parameter<T>> parameters, AdamWOptions? options = null)
        : base(parameters, options ?? new AdamWOptions())
    {
    }
}

/// <summary>One Adam step; the AMSGrad variant wraps it.</summary>
internal readonly struct AdamKernel<T>(AdamMoments<T> moments, T correction2Sqrt, T eps, T stepSize) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public AdamMoments<T> Moments => moments;

    public T Scalar(T p, T g, ref T m, ref T v) => Finish(moments.Update(p, ref g, ref m, ref v), m, v);

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T> => Finish(moments.Update(p, ref g, ref m, ref v), m, v);

    /// <summary>θ − s · m / (√v / √(1 − β₂ᵗ) + ε) for the (possibly max-) second moment <paramref name="v"/>.</summary>
    public T Finish(T p, T m, T v) => p - (stepSize * m / ((T.Sqrt(v) / correction2Sqrt) + eps));

    public TV Finish<TV>(TV p, TV m, TV v)
        where TV : unmanaged, ISimdVector<TV, T> =>
        p - (TV.Create(stepSize) * m / ((TV.Sqrt(v) / TV.Create(correction2Sqrt)) + TV.Create(eps)));
}

/// <summary>Adam with AMSGrad: the denominator uses max(v̂, v).</summary>
internal readonly struct AmsGradKernel<T>(AdamKernel<T> adam) : IUpdate3<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v, ref T vMax)
    {
        p = adam.Moments.Update(p, ref g, ref m, ref v);
        vMax = T.Max(vMax, v);
        return adam.Finish(p, m, vMax);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v, ref TV vMax)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        p = adam.Moments.Update(p, ref g, ref m, ref v);
        vMax = TV.Max(vMax, v);
        return adam.Finish(p, m, vMax);
    }
}
