namespace Descent.Schedules;

/// <summary>
/// Scales the initial rate by a factor moving linearly from <see cref="StartFactor"/> to
/// <see cref="EndFactor"/> over <see cref="TotalSteps"/> steps, then holds it, as PyTorch's <c>LinearLR</c>
/// (the usual linear warmup): η_t = η₀ (s + (e − s) · min(t, T) / T).
/// </summary>
public sealed class LinearSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="startFactor">Factor at step 0; in (0, 1].</param>
    /// <param name="endFactor">Factor from step <paramref name="totalSteps"/> on; in [0, 1].</param>
    /// <param name="totalSteps">Steps of the linear change (PyTorch <c>total_iters</c>); ≥ 1.</param>
    public LinearSchedule(double startFactor = 1.0 / 3, double endFactor = 1.0, int totalSteps = 5)
    {
        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, $"startFactor must be in (0, 1]; got {Format(startFactor)}.");
        }

        Guard.UnitInterval(endFactor, nameof(endFactor), inclusiveUpper: true);
        Guard.PositiveInt(totalSteps, nameof(totalSteps));
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalSteps = totalSteps;
    }

    /// <summary>The factor at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>The factor from <see cref="TotalSteps"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>Steps of the linear change.</summary>
    public int TotalSteps { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return initialRate * (StartFactor + ((EndFactor - StartFactor) * Math.Min(TotalSteps, step) / TotalSteps));
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        if (step == 0)
        {
            return previousRate * StartFactor;
        }

        if (step > TotalSteps)
        {
            return previousRate;
        }

        return previousRate * (1.0 + ((EndFactor - StartFactor) / ((TotalSteps * StartFactor) + ((step - 1) * (EndFactor - StartFactor)))));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"LinearLR(start_factor={Format(StartFactor)}, end_factor={Format(EndFactor)}, total_iters={TotalSteps})";
}
