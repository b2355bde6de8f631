namespace Descent.Schedules;

/// <summary>
/// A linear warmup from η₀·<see cref="WarmupStartFactor"/> (step 0) towards η₀ (reached at step
/// <see cref="WarmupSteps"/>), then a decay to η₀·<see cref="FinalFactor"/> whose shape the derived schedule gives
/// (<see cref="WarmupCosineSchedule"/>, <see cref="WarmupStableDecaySchedule"/>).
/// </summary>
public abstract class WarmupDecaySchedule : LearningRateSchedule
{
    private protected WarmupDecaySchedule(int warmupSteps, double warmupStartFactor, double finalFactor)
    {
        Guard.NonNegativeInt(warmupSteps, nameof(warmupSteps));
        Guard.UnitInterval(warmupStartFactor, nameof(warmupStartFactor), inclusiveUpper: true);
        Guard.UnitInterval(finalFactor, nameof(finalFactor), inclusiveUpper: true);
        WarmupSteps = warmupSteps;
        WarmupStartFactor = warmupStartFactor;
        FinalFactor = finalFactor;
    }

    /// <summary>Steps of linear warmup.</summary>
    public int WarmupSteps { get; }

    /// <summary>Fraction of the initial rate at step 0.</summary>
    public double WarmupStartFactor { get; }

    /// <summary>Fraction of the initial rate at the end of the decay, held afterwards.</summary>
    public double FinalFactor { get; }

    /// <inheritdoc/>
    public sealed override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return step < WarmupSteps
            ? initialRate * (WarmupStartFactor + ((1 - WarmupStartFactor) * step / WarmupSteps))
            : AfterWarmup(step, initialRate);
    }

    /// <summary>The rate at <paramref name="step"/> ≥ <see cref="WarmupSteps"/>.</summary>
    private protected abstract double AfterWarmup(long step, double initialRate);
}
