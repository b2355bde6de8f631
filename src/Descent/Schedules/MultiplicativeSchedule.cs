namespace Descent.Schedules;

/// <summary>
/// Multiplies the rate by a factor computed from the step at every step after the first, as PyTorch's
/// <c>MultiplicativeLR</c>: η_t = η_{t−1} · f(t), η_0 = η₀. The closed form is the product, folded in
/// PyTorch's order, so it equals PyTorch bit for bit.
/// </summary>
public sealed class MultiplicativeSchedule : LearningRateSchedule
{
    private readonly Func<long, double> _factor;
    private readonly RateFold _fold;

    /// <summary>Creates the schedule.</summary>
    /// <param name="factor">The factor applied at each step t ≥ 1 (PyTorch <c>lr_lambda</c>); must be deterministic.</param>
    public MultiplicativeSchedule(Func<long, double> factor)
    {
        _factor = factor ?? throw new ArgumentNullException(nameof(factor));
        _fold = new RateFold(NextRate);
    }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return _fold.At(step, initialRate);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        return step == 0 ? previousRate : previousRate * _factor(step);
    }

    /// <inheritdoc/>
    public override string ToString() => "MultiplicativeLR(lr_lambda)";
}
