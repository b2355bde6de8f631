using Descent.Optimizers;

namespace Descent.Schedules;

/// <summary>
/// Drives an optimizer's learning rates (and momentum, for cycling schedules) from a
/// <see cref="LearningRateSchedule"/>, with PyTorch's protocol: creating it sets the rates for step 0;
/// call <see cref="Step"/> after each optimizer step.
/// </summary>
/// <remarks>
/// The initial rate of each group is its learning rate when the scheduler is created (PyTorch's
/// <c>initial_lr</c>). Rates come from the schedule's closed form at <see cref="StepIndex"/>, so the
/// scheduler's whole state is that index and the initial values (<see cref="SaveState"/>), and a resumed
/// run continues exactly as an uninterrupted one.
/// </remarks>
public sealed class LearningRateScheduler
{
    private readonly IScheduledOptimizer _optimizer;
    private readonly LearningRateSchedule[] _schedules;
    private double[] _initialRates;
    private double[] _initialMomenta;

    /// <summary>Schedules every group of <paramref name="optimizer"/> with <paramref name="schedule"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="schedule">The schedule.</param>
    public LearningRateScheduler(IScheduledOptimizer optimizer, LearningRateSchedule schedule)
        : this(optimizer, Broadcast(optimizer, schedule))
    {
    }

    /// <summary>Schedules each group of <paramref name="optimizer"/> with its own schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="schedules">One schedule per parameter group, in group order.</param>
    /// <exception cref="ArgumentException">The count differs from the groups', or a schedule cycles momentum for a group without a momentum coefficient.</exception>
    public LearningRateScheduler(IScheduledOptimizer optimizer, IReadOnlyList<LearningRateSchedule> schedules)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedules);
        var groups = optimizer.ParameterGroups;
        if (schedules.Count != groups.Count)
        {
            throw new ArgumentException($"schedules holds {schedules.Count} schedule(s) but the optimizer has {groups.Count} parameter group(s).", nameof(schedules));
        }

        _schedules = new LearningRateSchedule[groups.Count];
        _initialRates = new double[groups.Count];
        _initialMomenta = new double[groups.Count];
        for (int i = 0; i < groups.Count; i++)
        {
            _schedules[i] = schedules[i] ?? throw new ArgumentNullException(nameof(schedules), $"schedules[{i}] is null.");
            _initialRates[i] = groups[i].LearningRate;
            if (groups[i].Options is IMomentumOptions momentum)
            {
                _initialMomenta[i] = momentum.MomentumCoefficient;
            }
            else if (_schedules[i].CyclesMomentum)
            {
                throw new ArgumentException(
                    $"{_schedules[i]} cycles the momentum coefficient but group {i}'s options ({groups[i].Options.GetType().Name}) have none; turn momentum cycling off.",
                    nameof(schedules));
            }
            else
            {
                _initialMomenta[i] = double.NaN;
            }
        }

        _optimizer = optimizer;
        Apply();
    }

    /// <summary>The step whose rates are in force: 0 after creation, +1 per <see cref="Step"/> (PyTorch's <c>last_epoch</c>).</summary>
    public long StepIndex { get; private set; }

    /// <summary>Each group's schedule.</summary>
    public IReadOnlyList<LearningRateSchedule> Schedules => _schedules;

    /// <summary>Each group's rate before scheduling.</summary>
    public IReadOnlyList<double> InitialRates => _initialRates;

    /// <summary>Moves to the next step and sets its rates; call it after each optimizer step.</summary>
    public void Step()
    {
        StepIndex++;
        Apply();
    }

    /// <summary>The scheduler's state: its step and the initial values it schedules from.</summary>
    /// <returns>A snapshot.</returns>
    public SchedulerState SaveState() => new(StepIndex, [.. _initialRates], [.. _initialMomenta]);

    /// <summary>Restores a state saved by <see cref="SaveState"/> and sets the rates of its step.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">The state is for another number of groups or has a negative step.</exception>
    public void LoadState(SchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.InitialRates.Count != _schedules.Length || state.InitialMomenta.Count != _schedules.Length)
        {
            throw new ArgumentException(
                $"The state is for {state.InitialRates.Count} parameter group(s); this scheduler has {_schedules.Length}.", nameof(state));
        }

        if (state.StepIndex < 0)
        {
            throw new ArgumentException($"The state's StepIndex must be ≥ 0; got {state.StepIndex}.", nameof(state));
        }

        _initialRates = [.. state.InitialRates];
        _initialMomenta = [.. state.InitialMomenta];
        StepIndex = state.StepIndex;
        Apply();
    }

    private static LearningRateSchedule[] Broadcast(IScheduledOptimizer optimizer, LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        var all = new LearningRateSchedule[optimizer.ParameterGroups.Count];
        Array.Fill(all, schedule);
        return all;
    }

    private void Apply()
    {
        var groups = _optimizer.ParameterGroups;
        if (groups.Count != _schedules.Length)
        {
            throw new InvalidOperationException(
                $"The optimizer now has {groups.Count} parameter group(s) but the scheduler was created for {_schedules.Length}; create the scheduler after adding every group.");
        }

        for (int i = 0; i < _schedules.Length; i++)
        {
            var group = groups[i];
            double rate = _schedules[i].RateAt(StepIndex, _initialRates[i]);
            if (group.LearningRate != rate)
            {
                group.LearningRate = rate;
            }

            if (_schedules[i].CyclesMomentum)
            {
                double momentum = _schedules[i].MomentumAt(StepIndex, _initialMomenta[i]);
                if (group.MomentumCoefficient != momentum)
                {
                    group.MomentumCoefficient = momentum;
                }
            }
        }
    }
}

/// <summary>A saved <see cref="LearningRateScheduler"/>.</summary>
/// <param name="StepIndex">The step whose rates were in force.</param>
/// <param name="InitialRates">Each group's rate before scheduling.</param>
/// <param name="InitialMomenta">Each group's momentum coefficient before scheduling (NaN where it has none).</param>
public sealed record SchedulerState(long StepIndex, IReadOnlyList<double> InitialRates, IReadOnlyList<double> InitialMomenta);
