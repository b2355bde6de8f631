namespace Descent.Schedules;

/// <summary>Multiplies the rate by <see cref="Gamma"/> every step, as PyTorch's <c>ExponentialLR</c>: η_t = η₀ · γ^t.</summary>
public sealed class ExponentialSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">Decay factor per step; ≥ 0.</param>
    public ExponentialSchedule(double gamma)
    {
        Guard.NonNegative(gamma, nameof(gamma));
        Gamma = gamma;
    }

    /// <summary>The decay factor per step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return initialRate * Math.Pow(Gamma, step);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        return step == 0 ? previousRate : previousRate * Gamma;
    }

    /// <inheritdoc/>
    public override string ToString() => $"ExponentialLR(gamma={Format(Gamma)})";
}
