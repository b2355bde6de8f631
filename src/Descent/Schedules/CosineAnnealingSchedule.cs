namespace Descent.Schedules;

/// <summary>
/// Cosine annealing from the initial rate to <see cref="MinimumRate"/> over <see cref="Period"/> steps,
/// as PyTorch's <c>CosineAnnealingLR</c> (SGDR without restarts, Loshchilov &amp; Hutter 2017):
/// η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max)) / 2. Past <see cref="Period"/> the cosine keeps
/// going (back up to η₀ at 2·T_max), exactly as PyTorch's does.
/// </summary>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="period">Steps from the initial rate down to the minimum (PyTorch <c>T_max</c>); ≥ 1.</param>
    /// <param name="minimumRate">The rate reached at <paramref name="period"/> (PyTorch <c>eta_min</c>); ≥ 0.</param>
    public CosineAnnealingSchedule(int period, double minimumRate = 0)
    {
        Guard.PositiveInt(period, nameof(period));
        Guard.NonNegative(minimumRate, nameof(minimumRate));
        Period = period;
        MinimumRate = minimumRate;
    }

    /// <summary>Steps from the initial rate down to the minimum (T_max).</summary>
    public int Period { get; }

    /// <summary>The minimum rate (eta_min).</summary>
    public double MinimumRate { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return MinimumRate + ((initialRate - MinimumRate) * (1 + Math.Cos(Math.PI * step / Period)) / 2);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        if (step == 0)
        {
            return previousRate;
        }

        // PyTorch's recursion divides by 1 + cos(π(t−1)/T), which is 0 just past each trough; there it
        // adds the first rise of the cosine instead. Python's % is a floor modulo, hence the adjustment.
        long twice = 2L * Period;
        long phase = (step - 1 - Period) % twice;
        if (phase < 0)
        {
            phase += twice;
        }

        if (phase == 0)
        {
            return previousRate + ((initialRate - MinimumRate) * (1 - Math.Cos(Math.PI / Period)) / 2);
        }

        return ((1 + Math.Cos(Math.PI * step / Period)) / (1 + Math.Cos(Math.PI * (step - 1) / Period)) * (previousRate - MinimumRate)) + MinimumRate;
    }

    /// <inheritdoc/>
    public override string ToString() => $"CosineAnnealingLR(T_max={Period}, eta_min={Format(MinimumRate)})";
}
