namespace Descent.Schedules;

/// <summary>
/// Polynomial decay to zero over <see cref="TotalSteps"/> steps, as PyTorch's <c>PolynomialLR</c>:
/// η_t = η₀ (1 − min(t, T) / T)^power.
/// </summary>
public sealed class PolynomialSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="totalSteps">Steps until the rate reaches 0 (PyTorch <c>total_iters</c>); ≥ 1.</param>
    /// <param name="power">The exponent; ≥ 0.</param>
    public PolynomialSchedule(int totalSteps = 5, double power = 1.0)
    {
        Guard.PositiveInt(totalSteps, nameof(totalSteps));
        Guard.NonNegative(power, nameof(power));
        TotalSteps = totalSteps;
        Power = power;
    }

    /// <summary>Steps until the rate reaches 0.</summary>
    public int TotalSteps { get; }

    /// <summary>The exponent.</summary>
    public double Power { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return initialRate * Math.Pow(1.0 - ((double)Math.Min(TotalSteps, step) / TotalSteps), Power);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        if (step == 0 || step > TotalSteps)
        {
            return previousRate;
        }

        double decay = Math.Pow((1.0 - ((double)step / TotalSteps)) / (1.0 - ((double)(step - 1) / TotalSteps)), Power);
        return previousRate * decay;
    }

    /// <inheritdoc/>
    public override string ToString() => $"PolynomialLR(total_iters={TotalSteps}, power={Format(Power)})";
}
