namespace Descent.Schedules;

/// <summary>
/// Multiplies the rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps, as PyTorch's
/// <c>StepLR</c>: η_t = η₀ · γ^⌊t / step_size⌋.
/// </summary>
public sealed class StepSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Steps between decays (PyTorch <c>step_size</c>); ≥ 1.</param>
    /// <param name="gamma">Decay factor; ≥ 0.</param>
    public StepSchedule(int stepSize, double gamma = 0.1)
    {
        Guard.PositiveInt(stepSize, nameof(stepSize));
        Guard.NonNegative(gamma, nameof(gamma));
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return initialRate * Math.Pow(Gamma, step / StepSize);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        return step == 0 || step % StepSize != 0 ? previousRate : previousRate * Gamma;
    }

    /// <inheritdoc/>
    public override string ToString() => $"StepLR(step_size={StepSize}, gamma={Format(Gamma)})";
}
