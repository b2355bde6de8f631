namespace Descent.Schedules;

/// <summary>The initial rate times a factor computed from the step, as PyTorch's <c>LambdaLR</c>: η_t = η₀ · f(t).</summary>
public sealed class LambdaSchedule : LearningRateSchedule
{
    private readonly Func<long, double> _factor;

    /// <summary>Creates the schedule.</summary>
    /// <param name="factor">The factor at each step (PyTorch <c>lr_lambda</c>); must be deterministic.</param>
    public LambdaSchedule(Func<long, double> factor) => _factor = factor ?? throw new ArgumentNullException(nameof(factor));

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        return initialRate * _factor(step);
    }

    /// <inheritdoc/>
    public override string ToString() => "LambdaLR(lr_lambda)";
}
