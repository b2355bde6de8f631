namespace Descent.Schedules;

/// <summary>
/// Scales the initial rate by <see cref="Factor"/> for the first <see cref="TotalSteps"/> steps, then uses
/// it unscaled, as PyTorch's <c>ConstantLR</c>.
/// </summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="factor">The factor; in (0, 1].</param>
    /// <param name="totalSteps">Steps that use the factor (PyTorch <c>total_iters</c>); ≥ 1.</param>
    public ConstantSchedule(double factor = 1.0 / 3, int totalSteps = 5)
    {
        // PyTorch accepts 0 but then divides by it when the factor ends; refuse it up front.
        if (!(factor > 0 && factor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"factor must be in (0, 1]; got {Format(factor)}.");
        }

        Guard.PositiveInt(totalSteps, nameof(totalSteps));
        Factor = factor;
        TotalSteps = totalSteps;
    }

    /// <summary>The factor.</summary>
    public double Factor { get; }

    /// <summary>Steps that use the factor.</summary>
    public int TotalSteps { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return initialRate * (Factor + (step >= TotalSteps ? 1 - Factor : 0));
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        if (step == 0)
        {
            return previousRate * Factor;
        }

        return step != TotalSteps ? previousRate : previousRate * (1.0 / Factor);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ConstantLR(factor={Format(Factor)}, total_iters={TotalSteps})";
}
