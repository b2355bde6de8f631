namespace Descent.Schedules;

/// <summary>
/// Multiplies the rate by <see cref="Gamma"/> at each milestone, as PyTorch's <c>MultiStepLR</c>:
/// η_t = η₀ · γ^(number of milestones ≤ t).
/// </summary>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="milestones">Steps at which the rate decays; ≥ 0 and strictly increasing.</param>
    /// <param name="gamma">Decay factor; ≥ 0.</param>
    public MultiStepSchedule(IEnumerable<int> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones];
        for (int i = 0; i < _milestones.Length; i++)
        {
            Guard.NonNegativeInt(_milestones[i], nameof(milestones));
            if (i > 0 && _milestones[i] <= _milestones[i - 1])
            {
                throw new ArgumentException(
                    $"milestones must be strictly increasing; got [{string.Join(", ", _milestones)}] ({_milestones[i]} follows {_milestones[i - 1]}).",
                    nameof(milestones));
            }
        }

        Guard.NonNegative(gamma, nameof(gamma));
        Gamma = gamma;
    }

    /// <summary>The milestones, increasing.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= step)
        {
            passed++;
        }

        return initialRate * Math.Pow(Gamma, passed);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        return Array.IndexOf(_milestones, (int)Math.Min(step, int.MaxValue)) >= 0 ? previousRate * Gamma : previousRate;
    }

    /// <inheritdoc/>
    public override string ToString() => $"MultiStepLR(milestones=[{string.Join(", ", _milestones)}], gamma={Format(Gamma)})";
}
