namespace Descent.Schedules;

/// <summary>
/// Runs schedules one after another, as PyTorch's <c>SequentialLR</c>: schedule i takes over at
/// milestone i − 1 and starts again from its own step 0 and the group's initial rate, so
/// η_t = schedule_i.RateAt(t − milestone_{i−1}, η₀).
/// </summary>
/// <remarks>
/// PyTorch restarts the next scheduler with its closed form at step 0; for <c>MultiplicativeLR</c>,
/// which has none, PyTorch instead continues from the rate in force. This class always restarts from the
/// initial rate.
/// </remarks>
public sealed class SequentialSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule[] _schedules;
    private readonly int[] _milestones;

    /// <summary>Creates the sequence.</summary>
    /// <param name="schedules">The schedules, at least one.</param>
    /// <param name="milestones">Steps where the next schedule takes over: one fewer than the schedules, ≥ 1 and strictly increasing.</param>
    public SequentialSchedule(IEnumerable<LearningRateSchedule> schedules, IEnumerable<int> milestones)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        _schedules = [.. schedules];
        _milestones = [.. milestones];
        if (_schedules.Length == 0)
        {
            throw new ArgumentException("schedules must hold at least one schedule.", nameof(schedules));
        }

        foreach (var s in _schedules)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(schedules));
        }

        if (_milestones.Length != _schedules.Length - 1)
        {
            throw new ArgumentException(
                $"milestones must hold one fewer entry than schedules ({_schedules.Length - 1}); got {_milestones.Length}.", nameof(milestones));
        }

        for (int i = 0; i < _milestones.Length; i++)
        {
            Guard.PositiveInt(_milestones[i], nameof(milestones));
            if (i > 0 && _milestones[i] <= _milestones[i - 1])
            {
                throw new ArgumentException(
                    $"milestones must be strictly increasing; got [{string.Join(", ", _milestones)}].", nameof(milestones));
            }
        }
    }

    /// <summary>The schedules, in order.</summary>
    public IReadOnlyList<LearningRateSchedule> Schedules => _schedules;

    /// <summary>Steps where the next schedule takes over.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <inheritdoc/>
    public override bool CyclesMomentum => Array.Exists(_schedules, s => s.CyclesMomentum);

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        CheckStep(step);
        int i = Active(step);
        return _schedules[i].RateAt(step - Start(i), initialRate);
    }

    /// <inheritdoc/>
    public override double NextRate(long step, double previousRate, double initialRate)
    {
        CheckStep(step);
        int i = Active(step);
        long local = step - Start(i);
        return i > 0 && local == 0
            ? _schedules[i].RateAt(0, initialRate)
            : _schedules[i].NextRate(local, previousRate, initialRate);
    }

    /// <summary>
    /// The active schedule's momentum. A schedule that does not cycle momentum leaves the coefficient
    /// where the last one that did left it, as in PyTorch.
    /// </summary>
    /// <param name="step">The step, ≥ 0.</param>
    /// <param name="initialMomentum">The group's coefficient before any scheduling.</param>
    /// <returns>The coefficient.</returns>
    public override double MomentumAt(long step, double initialMomentum)
    {
        CheckStep(step);
        int i = Active(step);
        long local = step - Start(i);
        while (i > 0 && !_schedules[i].CyclesMomentum)
        {
            i--;
            local = _milestones[i] - 1 - Start(i);
        }

        return _schedules[i].MomentumAt(local, initialMomentum);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"SequentialLR([{string.Join(", ", _schedules.Select(s => s.ToString()))}], milestones=[{string.Join(", ", _milestones)}])";

    private int Active(long step)
    {
        int i = 0;
        while (i < _milestones.Length && _milestones[i] <= step)
        {
            i++;
        }

        return i;
    }

    private long Start(int index) => index == 0 ? 0 : _milestones[index - 1];
}
