namespace Descent.Schedules;

/// <summary>
/// Cosine annealing with warm restarts (SGDR, Loshchilov &amp; Hutter 2017), as PyTorch's
/// <c>CosineAnnealingWarmRestarts</c> stepped once per step: η_t = η_min + (η₀ − η_min)(1 + cos(π T_cur / T_i)) / 2,
/// where T_cur counts steps since the last restart and the cycle length T_i starts at T_0 and is
/// multiplied by T_mult at each restart.
/// </summary>
public sealed class CosineAnnealingWarmRestartsSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="firstPeriod">Length of the first cycle (PyTorch <c>T_0</c>); ≥ 1.</param>
    /// <param name="periodMultiplier">Factor on the cycle length after each restart (PyTorch <c>T_mult</c>); ≥ 1.</param>
    /// <param name="minimumRate">The minimum rate (PyTorch <c>eta_min</c>); ≥ 0.</param>
    public CosineAnnealingWarmRestartsSchedule(int firstPeriod, int periodMultiplier = 1, double minimumRate = 0)
    {
        Guard.PositiveInt(firstPeriod, nameof(firstPeriod));
        Guard.PositiveInt(periodMultiplier, nameof(periodMultiplier));
        Guard.NonNegative(minimumRate, nameof(minimumRate));
        FirstPeriod = firstPeriod;
        PeriodMultiplier = periodMultiplier;
        MinimumRate = minimumRate;
    }

    /// <summary>Length of the first cycle (T_0).</summary>
    public int FirstPeriod { get; }

    /// <summary>Factor on the cycle length after each restart (T_mult).</summary>
    public int PeriodMultiplier { get; }

    /// <summary>The minimum rate (eta_min).</summary>
    public double MinimumRate { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        long current = step;
        long period = FirstPeriod;
        if (PeriodMultiplier == 1)
        {
            current %= period;
        }
        else
        {
            // Integer arithmetic, as PyTorch's step-by-step counters: no logarithms, no rounding.
            while (current >= period)
            {
                current -= period;
                period *= PeriodMultiplier;
            }
        }

        return MinimumRate + ((initialRate - MinimumRate) * (1 + Math.Cos(Math.PI * current / period)) / 2);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CosineAnnealingWarmRestarts(T_0={FirstPeriod}, T_mult={PeriodMultiplier}, eta_min={Format(MinimumRate)})";
}
