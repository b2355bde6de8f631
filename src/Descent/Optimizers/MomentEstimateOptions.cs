namespace Descent.Optimizers;

/// <summary>
/// Options shared by the methods that keep two moment estimates (the Adam family, AdaBelief, Yogi, AMSGrad, ADOPT, the
/// book's Adam): the two decay rates and ε, with their validity rules. Each derived record sets its own defaults; where ε
/// enters the update differs between the methods, and each optimizer's summary states it.
/// </summary>
public abstract record MomentOptions : OptimizerOptions, IMomentumOptions
{
    private double _beta1 = 0.9;

    /// <summary>Decay rate β₁ of the first moment (PyTorch <c>betas[0]</c>, Optax <c>b1</c>), in [0, 1).</summary>
    public double Beta1 { get => _beta1; init => _beta1 = value; }

    /// <summary>Decay rate β₂ of the second moment (PyTorch <c>betas[1]</c>, Optax <c>b2</c>), in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε that keeps the denominator away from zero (<c>eps</c>), ≥ 0.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <inheritdoc/>
    public double MomentumCoefficient => Beta1;

    /// <inheritdoc/>
    public OptimizerOptions WithMomentumCoefficient(double momentum) => this with { Beta1 = momentum };

    /// <inheritdoc/>
    void IMomentumOptions.SetOwnedMomentumCoefficient(double momentum) => _beta1 = momentum;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(Epsilon, nameof(Epsilon));
        Guard.UnitInterval(Beta1, nameof(Beta1));
        Guard.UnitInterval(Beta2, nameof(Beta2));
    }
}

/// <summary>
/// <see cref="MomentOptions"/> with weight decay, shared by PyTorch's Adam family (Adam, AdamW, NAdam, RAdam, Adamax)
/// and Optax's LAMB, AdEMAMix, Adan, NovoGrad, D-Adaptation and Prodigy. How the decay enters (an L2 term or decoupled)
/// is each optimizer's; its summary states it.
/// </summary>
public abstract record MomentEstimateOptions : MomentOptions, IWeightDecayOptions
{
    /// <summary>Weight decay λ ≥ 0 (an L2 term in the gradient unless the optimizer decouples it).</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
    }
}
