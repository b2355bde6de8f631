using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Lion{T}"/>, with Optax's defaults (<c>optax.lion</c>) in .NET names.</summary>
public sealed record LionOptions : OptimizerOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Lion<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (lr 1e-4 as the paper suggests, b1 0.9, b2 0.99, weight decay 1e-3).</summary>
    /// <remarks>Optax requires a learning rate; 1e-4 (3-10× below AdamW's, as Chen et al. advise) stands in for it.</remarks>
    public LionOptions() => LearningRate = 1e-4;

    /// <summary>β₁, the interpolation between momentum and gradient whose sign is the step (Optax <c>b1</c>), in [0, 1].</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂, the decay of the stored momentum (Optax <c>b2</c>), in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.99;

    /// <summary>Decoupled weight decay λ, scaled by the learning rate: θ ← θ − η(sign(c) + λθ) (Optax <c>weight_decay</c>).</summary>
    public double WeightDecay { get; init; } = 1e-3;

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Beta1, nameof(Beta1), inclusiveUpper: true);
        Guard.UnitInterval(Beta2, nameof(Beta2));
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
    }
}

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), exactly as
/// Optax's <c>optax.lion</c> = <c>chain(scale_by_lion(b1, b2), add_decayed_weights(weight_decay), scale_by_learning_rate(lr))</c>:
/// <code>
/// c = (1 − β₁)g + β₁m;   m ← (1 − β₂)g + β₂m;   θ ← θ − η(sign(c) + λθ)
/// </code>
/// Every coordinate moves by η (plus the decay) whatever the gradient's size, so Lion wants a learning rate
/// 3-10× below AdamW's. <c>sign</c> is <c>jnp.sign</c> (0 at 0). Optax's weight-decay <c>mask</c> is a parameter
/// group with <see cref="LionOptions.WeightDecay"/> 0 here. State: <c>mu</c> (Optax's name), one read-modify-write
/// per element, 16 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Lion<T> : Optimizer<T, LionOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Lion over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Lion(IEnumerable<Parameter<T>> parameters, LionOptions? options = null)
        : base(parameters, options ?? new LionOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, LionOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new LionKernel<T>(
            T.CreateTruncating(1 - o.Beta1),
            T.CreateTruncating(o.Beta1),
            T.CreateTruncating(1 - o.Beta2),
            T.CreateTruncating(o.Beta2),
            T.CreateTruncating(o.WeightDecay),
            T.CreateTruncating(-o.LearningRate));
        T[] m = State(group, "mu");
        RunKernel(group, kernel, m);
    }
}

/// <summary>One Lion step in Optax's operation order: the update −η·(sign(c) + λθ) is formed, then added to θ.</summary>
internal readonly struct LionKernel<T>(T oneMinusBeta1, T beta1, T oneMinusBeta2, T beta2, T weightDecay, T negativeRate) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m)
    {
        T direction = OptaxMath.Sign((oneMinusBeta1 * g) + (beta1 * m));
        m = (oneMinusBeta2 * g) + (beta2 * m);
        return p + (negativeRate * (direction + (weightDecay * p)));
    }

    public TV Simd<TV>(TV p, TV g, ref TV m)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV direction = OptaxMath.Sign<T, TV>((TV.Create(oneMinusBeta1) * g) + (TV.Create(beta1) * m));
        m = (TV.Create(oneMinusBeta2) * g) + (TV.Create(beta2) * m);
        return p + (TV.Create(negativeRate) * (direction + (TV.Create(weightDecay) * p)));
    }
}
