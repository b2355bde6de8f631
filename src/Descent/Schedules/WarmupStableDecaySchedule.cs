namespace Descent.Schedules;

/// <summary>The shape of the decay phase of <see cref="WarmupStableDecaySchedule"/>.</summary>
public enum DecayShape
{
    /// <summary>Straight line: 1 − x.</summary>
    Linear,

    /// <summary>Half a cosine: (1 + cos πx) / 2.</summary>
    Cosine,

    /// <summary>1 − √x, the shape Hägele et al. (2024) found best for a short cooldown.</summary>
    InverseSquareRoot,
}

/// <summary>
/// Warmup-stable-decay ("trapezoidal", MiniCPM 2024; Hägele et al. 2024): linear warmup from
/// η₀·<see cref="WarmupDecaySchedule.WarmupStartFactor"/> to η₀ over <see cref="WarmupDecaySchedule.WarmupSteps"/>, the initial rate held for
/// <see cref="StableSteps"/>, then a decay of <see cref="DecaySteps"/> steps to η₀·<see cref="WarmupDecaySchedule.FinalFactor"/>,
/// held afterwards. With x = (t − W − S) / D in the decay phase, η_t = η₀ (f + (1 − f) · shape(x)).
/// </summary>
public sealed class WarmupStableDecaySchedule : WarmupDecaySchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupSteps">Steps of linear warmup; ≥ 0.</param>
    /// <param name="stableSteps">Steps at the initial rate; ≥ 0.</param>
    /// <param name="decaySteps">Steps of decay; ≥ 0.</param>
    /// <param name="decayShape">The decay's shape.</param>
    /// <param name="warmupStartFactor">Fraction of the initial rate at step 0; in [0, 1].</param>
    /// <param name="finalFactor">Fraction of the initial rate after the decay; in [0, 1].</param>
    public WarmupStableDecaySchedule(
        int warmupSteps,
        int stableSteps,
        int decaySteps,
        DecayShape decayShape = DecayShape.Linear,
        double warmupStartFactor = 0,
        double finalFactor = 0)
        : base(warmupSteps, warmupStartFactor, finalFactor)
    {
        Guard.NonNegativeInt(stableSteps, nameof(stableSteps));
        Guard.NonNegativeInt(decaySteps, nameof(decaySteps));
        if ((long)warmupSteps + stableSteps + decaySteps == 0)
        {
            throw new ArgumentException("warmupSteps + stableSteps + decaySteps must be ≥ 1; got a schedule of length 0.", nameof(decaySteps));
        }

        if (!Enum.IsDefined(decayShape))
        {
            throw new ArgumentOutOfRangeException(nameof(decayShape), decayShape, "decayShape must be Linear, Cosine or InverseSquareRoot.");
        }

        StableSteps = stableSteps;
        DecaySteps = decaySteps;
        Shape = decayShape;
    }

    /// <summary>Steps at the initial rate.</summary>
    public int StableSteps { get; }

    /// <summary>Steps of decay.</summary>
    public int DecaySteps { get; }

    /// <summary>The decay's shape.</summary>
    public DecayShape Shape { get; }

    private protected override double AfterWarmup(long step, double initialRate)
    {
        long decayStart = (long)WarmupSteps + StableSteps;
        if (step < decayStart)
        {
            return initialRate;
        }

        if (step >= decayStart + DecaySteps)
        {
            return initialRate * FinalFactor;
        }

        double x = (double)(step - decayStart) / DecaySteps;
        double shape = Shape switch
        {
            DecayShape.Linear => 1 - x,
            DecayShape.Cosine => (1 + Math.Cos(Math.PI * x)) / 2,
            _ => 1 - Math.Sqrt(x),
        };
        return initialRate * (FinalFactor + ((1 - FinalFactor) * shape));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"WarmupStableDecay(warmup_steps={WarmupSteps}, stable_steps={StableSteps}, decay_steps={DecaySteps}, shape={Shape switch { DecayShape.Linear => "linear", DecayShape.Cosine => "cos", _ => "sqrt" }}, warmup_start_factor={Format(WarmupStartFactor)}, final_factor={Format(FinalFactor)})";
}
