namespace Descent.Schedules;

/// <summary>
/// Applies several schedules at every step, each to the rate the previous one produced, as PyTorch's
/// <c>ChainedScheduler</c>: η_t = s_n.NextRate(t, … s_1.NextRate(t, η_{t−1}) …).
/// </summary>
/// <remarks>
/// PyTorch keeps the chained rate in the optimizer; here it is folded from step 0 (and remembered, so
/// stepping forward is O(1) a step), which makes the chain a pure function of the step: a resumed run
/// needs only the step to continue bit-identically, and a single schedule wrapped in a chain reproduces
/// PyTorch's recursive arithmetic bit for bit.
/// </remarks>
public sealed class ChainedSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule[] _schedules;
    private readonly RateFold _fold;

    /// <summary>Creates the chain.</summary>
    /// <param name="schedules">The schedules, applied in order; at least one.</param>
    public ChainedSchedule(params IEnumerable<LearningRateSchedule> schedules)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        _schedules = [.. schedules];
        if (_schedules.Length == 0)
        {
            throw new ArgumentException("schedules must hold at least one schedule.", nameof(schedules));
        }

        foreach (var s in _schedules)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(schedules));
        }

        _fold = new RateFold(NextRate);
    }

    /// <summary>The schedules, in the order they apply.</summary>
    public IReadOnlyList<LearningRateSchedule> Schedules => _schedules;

    /// <inheritdoc/>
    public override bool CyclesMomentum => Array.Exists(_schedules, s => s.CyclesMomentum);

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
        double rate = previousRate;
        foreach (var s in _schedules)
        {
            rate = s.NextRate(step, rate, initialRate);
        }

        return rate;
    }

    /// <summary>The momentum set by the last schedule in the chain that cycles it (it writes last, as in PyTorch).</summary>
    /// <param name="step">The step.</param>
    /// <param name="initialMomentum">The group's coefficient before any scheduling.</param>
    /// <returns>The coefficient.</returns>
    public override double MomentumAt(long step, double initialMomentum)
    {
        for (int i = _schedules.Length - 1; i >= 0; i--)
        {
            if (_schedules[i].CyclesMomentum)
            {
                return _schedules[i].MomentumAt(step, initialMomentum);
            }
        }

        return base.MomentumAt(step, initialMomentum);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ChainedScheduler([{string.Join(", ", _schedules.Select(s => s.ToString()))}])";
}
