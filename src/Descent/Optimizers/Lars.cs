using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Lars{T}"/>, with Optax's defaults (<c>optax.lars</c>) in .NET names.</summary>
public sealed record LarsOptions : MomentumOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Lars<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (no decay, trust coefficient 1e-3, eps 0, momentum 0.9) and lr 1.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1 stands in for it (the trust coefficient already scales steps by 1e-3). Here:
    /// <see cref="MomentumOptions.Momentum"/> is μ of the trace t ← u + μt (Optax <c>momentum</c>), in [0, 1).
    /// </remarks>
    public LarsOptions()
    {
        LearningRate = 1.0;
        Momentum = 0.9;
    }

    /// <summary>Weight decay λ, added to the gradient before the trust ratio (Optax <c>weight_decay</c>). Must be ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Trust coefficient: the ratio is coef·‖θ‖/(‖u‖ + ε) (Optax <c>trust_coefficient</c>). Must be ≥ 0.</summary>
    public double TrustCoefficient { get; init; } = 0.001;

    /// <summary>ε added to ‖u‖ in the ratio (Optax <c>eps</c>). Must be ≥ 0.</summary>
    public double Epsilon { get; init; }

    /// <summary>
    /// Whether this group's tensors are scaled by the trust ratio (Optax's <c>trust_ratio_mask</c>, default all); a
    /// group with <see langword="false"/> plays the mask's False leaves (biases and normalisation parameters, as the paper does).
    /// </summary>
    public bool TrustRatio { get; init; } = true;

    /// <summary>Nesterov momentum: step by u + μt (Optax <c>nesterov</c>).</summary>
    public bool Nesterov { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(TrustCoefficient, nameof(TrustCoefficient));
        Guard.NonNegative(Epsilon, nameof(Epsilon));
        Guard.UnitInterval(Momentum, nameof(Momentum));
    }
}

/// <summary>
/// LARS, layer-wise adaptive rate scaling (You et al., 2017, "Large Batch Training of Convolutional Networks"), exactly
/// as Optax's <c>optax.lars</c> = <c>chain(add_decayed_weights(λ), masked(scale_by_trust_ratio(coef, eps)),
/// scale_by_learning_rate(η), trace(μ, nesterov))</c>. Per parameter tensor:
/// <code>
/// u = g + λθ;   r = coef·‖θ‖/(‖u‖ + ε)  (1 when either norm is 0);   t ← −η·r·u + μt;   θ ← θ + t  (Nesterov: θ + (−ηru + μt))
/// </code>
/// The learning rate is inside the trace, so a schedule changes the momentum's history as in Optax (unlike PyTorch's
/// SGD). Two passes per tensor: Σθ² and Σu² first (read-only), then the update. State: <c>trace</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Lars<T> : Optimizer<T, LarsOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates LARS over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; each tensor gets its own trust ratio.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Lars(IEnumerable<Parameter<T>> parameters, LarsOptions? options = null)
        : base(parameters, options ?? new LarsOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, LarsOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        T decay = T.CreateTruncating(o.WeightDecay);
        T[] trace = State(group, "trace");
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            T ratio = T.One;
            if (o.TrustRatio)
            {
                var (parameterNorm, updateNorm) = TensorNorms<T>.Of(parameter.Value.Span, parameter.Gradient.Span, decay, KernelPath);
                ratio = parameterNorm == T.Zero || updateNorm == T.Zero
                    ? T.One
                    : (T.CreateTruncating(o.TrustCoefficient) * parameterNorm) / (updateNorm + T.CreateTruncating(o.Epsilon));
            }

            var kernel = new LarsKernel<T>(decay, ratio, T.CreateTruncating(-o.LearningRate), T.CreateTruncating(o.Momentum), o.Nesterov);
            Elementwise.Run(kernel, parameter.Value.Span, parameter.Gradient.Span, trace.AsSpan(group.Offsets[i], parameter.Length), KernelPath);
        }
    }
}

internal readonly struct LarsKernel<T>(T weightDecay, T ratio, T negativeRate, T momentum, bool nesterov) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T trace)
    {
        T u = negativeRate * ((g + (weightDecay * p)) * ratio);
        trace = u + (momentum * trace);
        return p + (nesterov ? u + (momentum * trace) : trace);
    }

    public TV Simd<TV>(TV p, TV g, ref TV trace)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV u = TV.Create(negativeRate) * ((g + (TV.Create(weightDecay) * p)) * TV.Create(ratio));
        trace = u + (TV.Create(momentum) * trace);
        return p + (nesterov ? u + (TV.Create(momentum) * trace) : trace);
    }
}
