using System.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// Options of the learning-rate-free AdamW variants (<see cref="DAdaptAdamW{T}"/>, <see cref="Prodigy{T}"/>): AdamW's,
/// with the learning rate a multiplier of an estimated rate d that starts from <see cref="InitialDistance"/>.
/// </summary>
public abstract record LearningRateFreeOptions : MomentEstimateOptions
{
    /// <summary>d₀, the initial under-estimate of the distance to the solution (Optax <c>estim_lr0</c>). Must be &gt; 0.</summary>
    public double InitialDistance { get; init; } = 1e-6;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.Positive(InitialDistance, nameof(InitialDistance));
    }
}

/// <summary>
/// Base of the learning-rate-free AdamW variants: each group keeps its estimate d (state <c>estim_lr</c>), and a
/// step moves by d_lr = d·η·√(1 − β₂ᵗ)/(1 − β₁ᵗ), AdamW's bias corrections folded into the rate as Optax does.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TOptions">The optimizer's options record.</typeparam>
public abstract class LearningRateFreeOptimizer<T, TOptions> : Optimizer<T, TOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOptions : LearningRateFreeOptions
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="defaults">The options of the first group and of groups added later.</param>
    protected LearningRateFreeOptimizer(IEnumerable<Parameter<T>> parameters, TOptions defaults)
        : base(parameters, defaults)
    {
    }

    /// <summary>The current estimate d of the group's learning rate (before the learning-rate multiplier).</summary>
    /// <param name="group">The group's index.</param>
    /// <returns>d.</returns>
    public double DistanceEstimate(int group) => DistanceEstimate(Groups[group]);

    /// <summary>The group's current estimate d, d₀ before its first step.</summary>
    /// <param name="group">The group.</param>
    /// <returns>d.</returns>
    protected static double DistanceEstimate(ParameterGroup<T, TOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return Scalar(group, "estim_lr", group.Options.InitialDistance);
    }

    /// <summary>d_lr = d·η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) at the group's step t, in Optax's order of operations.</summary>
    /// <param name="group">The group.</param>
    /// <param name="d">The estimate d.</param>
    /// <returns>d_lr.</returns>
    protected static double StepRate(ParameterGroup<T, TOptions> group, double d)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        return d * o.LearningRate * (Math.Pow(1 - Math.Pow(o.Beta2, t), 0.5) / (1 - Math.Pow(o.Beta1, t)));
    }
}
